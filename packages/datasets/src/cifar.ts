import { describeValue } from '@pixsim/core';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { assertOptionsObject } from './describe';
import { readFileOrThrow } from './files';
import {
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR10_CLASSES,
  type CifarKind,
  type CifarRecords,
  concatRecords,
  parseCifarRecords,
  parseNames,
} from './cifar-format';
import { PACKAGE, BadFormatError, InvalidOptionError, MissingFileError } from './errors';
import { ImageDataset } from './image-dataset';
import type { TrainTest } from './mnist';
import { readTarGz } from './tar';

const LAYOUT = {
  cifar10: {
    title: 'CIFAR-10',
    folder: 'cifar-10-batches-bin',
    archive: 'cifar-10-binary.tar.gz',
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: ['test_batch.bin'],
    meta: ['batches.meta.txt'],
  },
  cifar100: {
    title: 'CIFAR-100',
    folder: 'cifar-100-binary',
    archive: 'cifar-100-binary.tar.gz',
    train: ['train.bin'],
    test: ['test.bin'],
    meta: ['fine_label_names.txt', 'coarse_label_names.txt'],
  },
} as const;

/** The files of one CIFAR version found in a folder or archive, by base name. */
type FileSet = Map<string, () => Promise<Buffer>>;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function fromArchive(archive: string, kind: CifarKind): Promise<FileSet> {
  const layout = LAYOUT[kind];
  const names = new Set<string>([...layout.train, ...layout.test, ...layout.meta]);
  const members = await readTarGz(archive, (path) => names.has(basename(path)));
  const files: FileSet = new Map();
  for (const [path, data] of members) files.set(basename(path), async () => data);
  if (files.size === 0) {
    throw new BadFormatError(
      `${archive}: the archive holds none of the ${layout.title} binary files (${[...layout.train, ...layout.test].join(', ')}). ` +
        `Pass the binary version (${layout.archive}), not the python or matlab one.`,
    );
  }
  return files;
}

async function locate(source: string, kind: CifarKind): Promise<{ files: FileSet; where: string }> {
  const layout = LAYOUT[kind];
  if (typeof source !== 'string' || source === '') {
    throw new InvalidOptionError(
      PACKAGE,
      `${layout.title}: source must be the path of the folder with the binary files or of ${layout.archive}, got ${describeValue(source)}.`,
    );
  }
  if (await isFile(source)) {
    if (!/\.(tar\.gz|tgz)$/i.test(source)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${layout.title}: ${source} is a file but not a .tar.gz archive. Pass the folder with the .bin files ` +
          `or the downloaded ${layout.archive}.`,
      );
    }
    return { files: await fromArchive(source, kind), where: source };
  }
  if (!(await isDir(source))) {
    throw new MissingFileError(
      `${layout.title}: ${source} does not exist. Pass the folder with the ${layout.title} binary files ` +
        `(or the ${layout.archive} archive), or fetch it with download('${kind}', { cacheDir }).`,
    );
  }
  let dir = source;
  if (await isDir(join(source, layout.folder))) dir = join(source, layout.folder);
  const entries = new Set(await readdir(dir));
  const files: FileSet = new Map();
  for (const name of [...layout.train, ...layout.test, ...layout.meta]) {
    if (entries.has(name)) {
      files.set(name, () =>
        readFileOrThrow(
          join(dir, name),
          `Replace it with the ${name} of the ${layout.title} binary version.`,
        ),
      );
    }
  }
  if ([...layout.train, ...layout.test].some((name) => files.has(name))) return { files, where: dir };
  if (entries.has(layout.archive)) {
    const archive = join(dir, layout.archive);
    return { files: await fromArchive(archive, kind), where: archive };
  }
  throw new MissingFileError(
    `${layout.title}: ${source} holds none of ${[...layout.train, ...layout.test].join(', ')} and no ` +
      `${layout.archive}. Put the ${layout.title} binary version there, or fetch it with download('${kind}', { cacheDir }).`,
  );
}

async function readSplit(
  files: FileSet,
  names: readonly string[],
  where: string,
  kind: CifarKind,
): Promise<CifarRecords> {
  const present = names.filter((name) => files.has(name));
  if (present.length === 0) {
    throw new MissingFileError(
      `${LAYOUT[kind].title}: ${where} holds none of ${names.join(', ')}. Add at least one of them ` +
        '(any subset of the training batches is accepted).',
    );
  }
  const parts = await Promise.all(
    present.map(async (name) => parseCifarRecords(await files.get(name)!(), join(where, name), kind)),
  );
  return concatRecords(parts);
}

async function readNames(
  files: FileSet,
  name: string,
  fallback: readonly string[],
  where: string,
): Promise<readonly string[]> {
  const load = files.get(name);
  if (!load) return fallback;
  const names = parseNames((await load()).toString('utf8'));
  if (names.length !== fallback.length) {
    throw new BadFormatError(
      `${join(where, name)}: ${names.length} class names, expected ${fallback.length} (one per line). ` +
        'Restore the file from the official archive or delete it to use the built-in names.',
    );
  }
  return names;
}

function toDataset(
  name: string,
  split: 'train' | 'test',
  records: CifarRecords,
  labels: Int32Array,
  classNames: readonly string[],
): ImageDataset {
  return new ImageDataset({
    name,
    split,
    images: records.images,
    shape: [records.count, 32, 32, 3],
    labels,
    classNames,
  });
}

/**
 * CIFAR-10 from its official binary version: 32×32×3 uint8 images, 10 classes. `source` is the folder
 * with `data_batch_{1…5}.bin` / `test_batch.bin` (any non-empty subset of the training batches; the
 * `cifar-10-batches-bin` sub-folder is found too), a folder with `cifar-10-binary.tar.gz`, or that
 * archive itself (read as a stream, nothing is extracted to disk). Class names come from
 * `batches.meta.txt` when present.
 *
 * @example
 * ```ts
 * import { cifar10, download } from '@pixsim/datasets';
 *
 * const { dir } = await download('cifar10', { cacheDir: 'data' }); // once: verified, resumable
 * const { train, test } = await cifar10(dir); // or your folder of the binary version
 * const x = test.toTensor([0, 1], { grey: true, scale: 'paper' }); // [2, 32, 32, 1] in [-2.5, 2.5]
 * ```
 */
export async function cifar10(source: string): Promise<TrainTest> {
  const { files, where } = await locate(source, 'cifar10');
  const [train, test, names] = await Promise.all([
    readSplit(files, LAYOUT.cifar10.train, where, 'cifar10'),
    readSplit(files, LAYOUT.cifar10.test, where, 'cifar10'),
    readNames(files, 'batches.meta.txt', CIFAR10_CLASSES, where),
  ]);
  return {
    train: toDataset('cifar10', 'train', train, train.labels, names),
    test: toDataset('cifar10', 'test', test, test.labels, names),
  };
}

/** Options of {@link cifar100}. */
export interface Cifar100Options {
  /** Which labels the data sets carry: the 100 `'fine'` classes (default) or the 20 `'coarse'` super-classes. */
  labels?: 'fine' | 'coarse';
}

/**
 * CIFAR-100 from its official binary version (`train.bin`, `test.bin`: records with a coarse and a fine
 * label byte). `source` is the folder (or its parent holding `cifar-100-binary/`), a folder with
 * `cifar-100-binary.tar.gz`, or that archive. `labels` picks fine (100) or coarse (20) classes.
 */
export async function cifar100(source: string, options: Cifar100Options = {}): Promise<TrainTest> {
  assertOptionsObject('cifar100', options, "{ labels?: 'fine' | 'coarse' }");
  const which = options.labels ?? 'fine';
  if (which !== 'fine' && which !== 'coarse') {
    throw new InvalidOptionError(
      PACKAGE,
      `cifar100: labels must be 'fine' or 'coarse', got ${JSON.stringify(which)}.`,
    );
  }
  const { files, where } = await locate(source, 'cifar100');
  const [train, test, fine, coarse] = await Promise.all([
    readSplit(files, LAYOUT.cifar100.train, where, 'cifar100'),
    readSplit(files, LAYOUT.cifar100.test, where, 'cifar100'),
    readNames(files, 'fine_label_names.txt', CIFAR100_FINE_CLASSES, where),
    readNames(files, 'coarse_label_names.txt', CIFAR100_COARSE_CLASSES, where),
  ]);
  const pick = (r: CifarRecords) => (which === 'fine' ? r.labels : r.coarseLabels!);
  const names = which === 'fine' ? fine : coarse;
  return {
    train: toDataset('cifar100', 'train', train, pick(train), names),
    test: toDataset('cifar100', 'test', test, pick(test), names),
  };
}
