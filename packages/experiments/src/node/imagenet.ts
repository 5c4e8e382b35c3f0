import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  findDataFolder,
  findDataRoot,
  ImageDataset,
  imageFolder,
  regularizationChoice,
} from '@pixsim/datasets';
import { PACKAGE, DataNotFoundError, InvalidOptionError } from '../errors';
import type { ExperimentSpec, RegularizationSelectionName } from '../spec';
import { isDir, standInCandidates } from './locate';

/**
 * Where ImageNet regularization images come from: an `--imagenet` folder, the ImageNet sample
 * (`imagenet-sample-1000` under the data root: 927 real photos, one per class, already the reference's
 * 144×256 grey crop) or the Tiny-ImageNet stand-in (64×64 thumbnails).
 */
export interface ImagenetSource {
  kind: 'folder' | 'sample' | 'stand-in';
  dir: string;
}

/** What decides the ImageNet source of a cell. */
export interface ImagenetSourceOptions {
  /** An ImageNet-style image folder (`<class>/<image>`): always used when given. */
  imagenetDir?: string;
  /** Whether the preset allows a substitute for a full ImageNet folder (the sample, else the stand-in). */
  imagenetStandIn?: boolean;
  /** `false` skips the ImageNet sample, so the Tiny-ImageNet stand-in is used (default: the sample when found). */
  imagenetSample?: boolean;
}

/** The regularization images of an ImageNet source, before the cell's shuffle. */
export interface ImagenetImages {
  images: ImageDataset;
  /** Where they came from, for `result.json` (a data-root-relative folder, or the `--imagenet` path). */
  source: string;
  standIn: boolean;
  /** What the spec hash covers of the source (see `regularizationProvenance`). */
  provenance: string;
  notes: string[];
  /** Ways the run differs from the preset's scale because of the source (N capped by the sample). */
  reductions: string[];
}

/**
 * The ImageNet source a cell uses, in order of preference: `imagenetDir`; when the preset allows a
 * substitute, the ImageNet sample (`findDataFolder('imagenet-sample')`) unless `imagenetSample` is false,
 * then the Tiny-ImageNet stand-in; `null` when none applies.
 */
export function imagenetSource(options: ImagenetSourceOptions): ImagenetSource | null {
  if (options.imagenetDir) return { kind: 'folder', dir: resolve(options.imagenetDir) };
  if (!options.imagenetStandIn) return null;
  const sample = options.imagenetSample === false ? null : findDataFolder('imagenet-sample');
  if (sample) return { kind: 'sample', dir: sample };
  const standIn = standInCandidates().find(isDir);
  return standIn ? { kind: 'stand-in', dir: standIn } : null;
}

/**
 * The selection applied to a class-sorted ImageNet folder: `'first'` (the reference's first N of the training
 * split) becomes `'spread'` for the ImageNet sample and `--imagenet` folders, whose first N files are their
 * first few classes; the Tiny-ImageNet stand-in keeps the spec's selection (as before the sample existed).
 */
export function folderSelection(
  source: ImagenetSource,
  selection: RegularizationSelectionName,
): RegularizationSelectionName {
  return source.kind !== 'stand-in' && selection === 'first' ? 'spread' : selection;
}

/** The provenance the spec hash covers: the source, and for `--imagenet` whether `'first'` became `'spread'`. */
export function imagenetProvenance(
  source: ImagenetSource | null,
  selection: RegularizationSelectionName,
): string {
  if (source === null || source.kind === 'stand-in') return 'tiny-imagenet-5k-stand-in';
  if (source.kind === 'sample') return 'imagenet-sample-1000';
  return folderSelection(source, selection) === selection ? 'imagenet-folder' : 'imagenet-folder-spread';
}

/** A folder as results show it: relative to the data root when inside it, else its name. */
function shown(dir: string): string {
  const root = findDataRoot();
  const rel = root ? relative(root.dir, dir) : '';
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(dir);
}

/** The image files of a class-sorted folder, in `imageFolder`'s order, with their class indices. */
function listFolder(dir: string): { files: [string, string][]; labels: Int32Array; classes: string[] } {
  const classes = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const files: [string, string][] = [];
  const labels: number[] = [];
  for (const [k, c] of classes.entries()) {
    for (const f of readdirSync(join(dir, c)).sort()) {
      if (!f.startsWith('.') && ['.jpeg', '.jpg', '.png'].includes(extname(f).toLowerCase())) {
        files.push([c, f]);
        labels.push(k);
      }
    }
  }
  return { files, labels: Int32Array.from(labels), classes };
}

/** Indices of the chosen files: the library's choice (`regularizationChoice` of `@pixsim/datasets`). */
function chooseFiles(
  listed: ReturnType<typeof listFolder>,
  n: number,
  selection: RegularizationSelectionName,
  seed: number,
): Int32Array {
  // Labels only: the choice needs the classes, not the pixels (the files are decoded once chosen).
  const labelsOnly = new ImageDataset({
    name: 'imagenet-folder',
    split: 'train',
    images: new Uint8Array(0),
    shape: [listed.files.length, 0, 0, 1],
    labels: listed.labels,
    classNames: listed.classes,
  });
  return regularizationChoice(labelsOnly, n, seed, selection);
}

/** The chosen N files of a class-sorted image folder, linked into a folder of their own under `workDir`. */
function linkSelection(
  dir: string,
  listed: ReturnType<typeof listFolder>,
  n: number,
  selection: RegularizationSelectionName,
  seed: number,
  workDir: string,
): string {
  const chosen = chooseFiles(listed, n, selection, seed);
  const target = join(
    workDir,
    `${basename(dir)}-${selection}-${n}${selection === 'first' ? '' : `-seed${seed}`}`,
  );
  for (const i of chosen) {
    const [c, f] = listed.files[i];
    mkdirSync(join(target, c), { recursive: true });
    try {
      symlinkSync(resolve(dir, c, f), join(target, c, f));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return target;
}

/** The error when no ImageNet source applies. */
function noSource(spec: ExperimentSpec, options: ImagenetSourceOptions): DataNotFoundError {
  if (options.imagenetStandIn) {
    return new DataNotFoundError(
      'imagenet',
      `${spec.id}: no --imagenet folder, no ImageNet sample (imagenet-sample-1000 under the data root) and no ` +
        `Tiny-ImageNet stand-in at ${standInCandidates().join(' or ')}; pass --imagenet <folder>, set ` +
        'PIXSIM_DATA_DIR to the folder holding imagenet-sample-1000, or set PIXSIM_IMAGENET_STANDIN.',
    );
  }
  return new DataNotFoundError(
    'imagenet',
    `${spec.id} regularizes with ImageNet images: pass --imagenet <folder of ImageNet training images> ` +
      '(this preset allows neither the ImageNet sample nor the Tiny-ImageNet stand-in).',
  );
}

/**
 * The N ImageNet regularization images of a cell (see {@link imagenetSource}): the sample and `--imagenet`
 * folders with the reference's transform (grey, crop 144×256 at the centre, stride 4 → 36×64) and `'first'`
 * read as `'spread'`; the stand-in's 64×64 thumbnails as before (grey, centre crop 36×64). The sample holds
 * 927 images: a larger N is capped there, and the result's reductions say so.
 */
export async function loadImagenet(
  spec: ExperimentSpec,
  seed: number,
  options: ImagenetSourceOptions & { workDir: string },
): Promise<ImagenetImages> {
  const source = imagenetSource(options);
  if (options.imagenetDir && !isDir(options.imagenetDir)) {
    throw new DataNotFoundError(
      'imagenet',
      `--imagenet ${options.imagenetDir} is not a folder; pass an ImageNet training folder (<class>/<image>).`,
    );
  }
  if (!source) throw noSource(spec, options);
  const asked = spec.scale.regularizationImages;
  const listed = listFolder(source.dir);
  const total = listed.files.length;
  const n = source.kind === 'sample' ? Math.min(asked, total) : asked;
  if (n > total) {
    throw new InvalidOptionError(
      PACKAGE,
      `${source.dir}: N = ${n} regularization images asked, but the training split holds ${total}; lower regularizationImages.`,
      { option: 'scale.regularizationImages' },
    );
  }
  const selection = folderSelection(source, spec.regularization.selection);
  const linked = linkSelection(source.dir, listed, n, selection, seed, options.workDir);
  const provenance = imagenetProvenance(source, spec.regularization.selection);
  if (source.kind === 'stand-in') {
    // 64×64 Tiny-ImageNet images: the reference's 36×64 geometry is a centre crop of 36×64 (grey, PIL luma).
    const images = await imageFolder(linked, { grey: true, crop: [36, 64] });
    const where = shown(source.dir);
    return { images, source: where, standIn: true, provenance, notes: [standInNote(where)], reductions: [] };
  }
  const images = await imageFolder(linked, { transform: 'imagenet-regularization' });
  const spread = selection === spec.regularization.selection ? '' : ', spread over the classes (seeded)';
  if (source.kind === 'folder') {
    const notes = spread ? [`ImageNet folder: N = ${n} images${spread}, not its first N files.`] : [];
    return { images, source: source.dir, standIn: false, provenance, notes, reductions: [] };
  }
  const where = shown(source.dir);
  const reductions =
    n < asked
      ? [
          `regularization images N ${n.toLocaleString('en')} instead of the preset's ${asked.toLocaleString('en')}: the ImageNet sample holds ${total}`,
        ]
      : [];
  const notes = [
    `ImageNet sample: regularization images are ${n} of the ${total} real ImageNet photos of ${where} (one per class)` +
      `${spread}, with the reference's transform (grey, centre crop 144×256, stride 4 → 36×64); the reference ` +
      'takes the first N images of the full ImageNet training split.',
  ];
  return { images, source: where, standIn: false, provenance, notes, reductions };
}

/** The statement results and figures carry when the Tiny-ImageNet stand-in replaced ImageNet. */
export function standInNote(source: string): string {
  return `ImageNet stand-in: regularization images are Tiny-ImageNet (64×64, ${source}), grey, centre crop 36×64 — not ImageNet.`;
}
