import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATA_FOLDERS, type DataFolderName, type FindDataRootOptions, findDataRoot } from './data-root';
import { PACKAGE, UnknownDatasetError } from './errors';
import { DATASET_SOURCES, type DatasetName } from './sources';

/** Every data set {@link dataLocations} knows: the downloadable ones, then the folder-only ones. */
export const LOCATABLE_DATASETS = [
  'cifar10',
  'cifar100',
  'mnist',
  'fashion-mnist',
  'imagenet-sample',
  'tiny-imagenet',
] as const satisfies readonly (DatasetName | DataFolderName)[];

/** A data set {@link dataLocations} can look for. */
export type LocatableDataset = (typeof LOCATABLE_DATASETS)[number];

/** One place a data set may be on disk. */
export interface DataLocation {
  /**
   * `folder`: the unpacked folder under the data root (`cifar-10-batches-bin`, …, see `DATA_FOLDERS`);
   * `download`: the files `download()` writes (`<root>/<name>/`, e.g. `cifar10/cifar-10-binary.tar.gz`).
   */
  kind: 'folder' | 'download';
  /** The folder to read: pass it to `cifar10(path)`, `mnist({ dir: path })`, `imageFolder(path)`. */
  path: string;
  /** The folder `path` is in: the data root or the download cache (the `cacheDir` of `download()`). */
  root: string;
  /** `env`: `$PIXSIM_DATA_DIR`; `repository`: `../shared/data` beside the checkout; `cache`: the download cache. */
  rootSource: 'env' | 'repository' | 'cache';
  /** Whether the folder is there (for `download`: with every file of the data set, none of them partial). */
  present: boolean;
}

/** The download cache: `$PIXSIM_CACHE_DIR` when set, else `~/.cache/pixsim`. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  const dir = env.PIXSIM_CACHE_DIR;
  return dir ? resolve(dir) : join(homedir(), '.cache', 'pixsim');
}

/**
 * Where `pixsim data fetch` (and a run that downloads a missing data set) puts files, as the `cacheDir`
 * of `download()`: `$PIXSIM_DATA_DIR` when set, else the download cache ({@link defaultCacheDir}). The
 * `../shared/data` folder beside a checkout is read but never written: it is a shared, curated copy.
 */
export function fetchRoot(options: FindDataRootOptions = {}): { dir: string; source: 'env' | 'cache' } {
  const root = findDataRoot(options);
  if (root?.source === 'env') return { dir: root.dir, source: 'env' };
  return { dir: defaultCacheDir(options.env ?? process.env), source: 'cache' };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function assertLocatable(name: unknown): asserts name is LocatableDataset {
  if (!(LOCATABLE_DATASETS as readonly unknown[]).includes(name)) {
    throw new UnknownDatasetError(
      PACKAGE,
      `Unknown dataset name ${JSON.stringify(name)}. Known names: ${LOCATABLE_DATASETS.join(', ')}.`,
    );
  }
}

/**
 * Every place data set `name` is looked for, in the order it is used, each with whether it is there:
 * the unpacked folder under the data root (`findDataRoot`), the downloaded files under the data root,
 * then the downloaded files in the download cache. Folder-only sets (`imagenet-sample`,
 * `tiny-imagenet`) have only the first; MNIST and Fashion-MNIST only the downloads.
 */
export function dataLocations(name: LocatableDataset, options: FindDataRootOptions = {}): DataLocation[] {
  assertLocatable(name);
  const out: DataLocation[] = [];
  const source = Object.hasOwn(DATASET_SOURCES, name) ? DATASET_SOURCES[name as DatasetName] : null;
  const downloaded = (root: string, rootSource: DataLocation['rootSource']): DataLocation => {
    const path = join(root, source!.name);
    const present = source!.files.every((f) => isFile(join(path, f.filename)));
    return { kind: 'download', path, root, rootSource, present };
  };
  const root = findDataRoot(options);
  if (root) {
    if (Object.hasOwn(DATA_FOLDERS, name)) {
      const path = join(root.dir, DATA_FOLDERS[name as DataFolderName]);
      out.push({ kind: 'folder', path, root: root.dir, rootSource: root.source, present: isDir(path) });
    }
    if (source) out.push(downloaded(root.dir, root.source));
  }
  const cache = defaultCacheDir(options.env ?? process.env);
  if (source && cache !== root?.dir) out.push(downloaded(cache, 'cache'));
  return out;
}

/** The first place of {@link dataLocations} where data set `name` is, or `null` when it is nowhere. */
export function findDataset(name: LocatableDataset, options: FindDataRootOptions = {}): DataLocation | null {
  return dataLocations(name, options).find((l) => l.present) ?? null;
}
