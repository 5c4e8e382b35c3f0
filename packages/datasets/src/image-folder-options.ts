import { defaultCacheDir } from './data-locate';
import { PACKAGE, InvalidOptionError } from './errors';
import type { Split } from './image-dataset';

/** The named transforms of {@link ImageFolderOptions.transform}. */
export type ImageFolderTransform = 'imagenet-regularization' | 'imagenet-thumbnail';

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /**
   * Resize first: a number scales the shorter side to it (aspect kept, as torchvision `Resize(int)`),
   * `[h, w]` resizes to exactly that size.
   */
  resize?: number | readonly [number, number];
  /**
   * Centre crop `[h, w]` after resizing. An image smaller than the crop is padded with zeros around it
   * first (torchvision `CenterCrop` semantics), unless `cropPadding: 'error'`.
   */
  crop?: readonly [number, number];
  /** What to do with images smaller than `crop`: pad with zeros (default) or throw. */
  cropPadding?: 'zeros' | 'error';
  /** Keep every `step`-th row and column after cropping (starting at 0). Default 1. */
  step?: number;
  /** Store one grey channel (ITU-R 601-2 luma, as PIL `convert('L')`) instead of RGB. Default `false`. */
  grey?: boolean;
  /**
   * A named transform that sets `grey`, `crop` and `step`:
   * - `'imagenet-regularization'`: the reference's transform of full-size ImageNet photos into 36×64
   *   regularization images: grey (PIL `convert('L')`), the 144×256 crop of rows `h//2 − 72 … h//2 + 72` and
   *   columns `w//2 − 128 … w//2 + 128` at full resolution, then every 4th row and column. Photos smaller
   *   than 144×256 are a {@link SizeMismatchError} (use `'imagenet-thumbnail'` for those).
   * - `'imagenet-thumbnail'`: for small images such as 64×64 Tiny-ImageNet thumbnails, grey and a centre
   *   crop to the same 36×64 (a different field of view: the whole thumbnail, not a crop of the photo).
   */
  transform?: ImageFolderTransform;
  /**
   * Folder of the on-disk cache of the decoded uint8 tensor (keyed by the file list, sizes,
   * modification times and options), so a second load does not decode again. `false` disables it.
   * Default `$PIXSIM_CACHE_DIR`, else `~/.cache/pixsim`.
   */
  cacheDir?: string | false;
  /**
   * Where the warning of an unwritable `cacheDir` goes (the load then continues without caching): a
   * function, or `false` for silence. Default `console.warn`, once per process and cache folder.
   */
  warn?: ((line: string) => void) | false;
  /** File extensions that count as images (case-insensitive). Default `.jpeg`, `.jpg`, `.png`. */
  extensions?: readonly string[];
  /** Use only the first `maxPerClass` files of each class (sorted by name). */
  maxPerClass?: number;
  /** Images decoded at once. Default 4. */
  concurrency?: number;
  /** `split` of the returned data set. Default `'train'`. */
  split?: Split;
}

export interface Resolved {
  resize: number | readonly [number, number] | null;
  crop: readonly [number, number] | null;
  /**
   * Where the crop starts: `'round'` at `round((h − ch) / 2)` (the generic centre crop), `'floor'` at
   * `⌊h / 2⌋ − ch / 2` (the reference's `h//2 − 72`; differs for odd sizes).
   */
  cropAnchor: 'round' | 'floor';
  cropPadding: 'zeros' | 'error';
  step: number;
  grey: boolean;
  extensions: string[];
  maxPerClass: number;
  concurrency: number;
}

function positiveInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a positive integer, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function pair(fn: string, name: string, value: readonly number[]): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be [height, width], got ${JSON.stringify(value)}.`,
    );
  }
  return [positiveInt(fn, `${name}[0]`, value[0]), positiveInt(fn, `${name}[1]`, value[1])];
}

function booleanOption(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be true or false, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function extensionsOf(value: unknown): string[] {
  if (value === undefined) return ['.jpeg', '.jpg', '.png'];
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((e) => typeof e === 'string' && e.startsWith('.'))
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: extensions must be a non-empty list of extensions such as ['.png', '.jpg'], got ${JSON.stringify(value)}.`,
    );
  }
  return value.map((e: string) => e.toLowerCase());
}

/** The decoding options of {@link imageFolder}, validated, with their defaults. */
export function resolveOptions(options: ImageFolderOptions): Resolved {
  const fn = 'imageFolder';
  let { grey = false, crop, step = 1 } = options;
  let cropAnchor: Resolved['cropAnchor'] = 'round';
  let cropPadding = options.cropPadding ?? 'zeros';
  if (options.transform !== undefined) {
    if (options.transform !== 'imagenet-regularization' && options.transform !== 'imagenet-thumbnail') {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: unknown transform ${JSON.stringify(options.transform)}; the named transforms are ` +
          "'imagenet-regularization' (full-size photos) and 'imagenet-thumbnail' (small images).",
      );
    }
    if (
      options.crop !== undefined ||
      options.step !== undefined ||
      options.grey === false ||
      options.cropPadding !== undefined
    ) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: transform '${options.transform}' sets grey, crop, step and padding itself; ` +
          'drop the crop / step / grey / cropPadding options or drop the transform.',
      );
    }
    grey = true;
    if (options.transform === 'imagenet-regularization') {
      crop = [144, 256];
      step = 4;
      cropAnchor = 'floor';
      cropPadding = 'error';
    } else {
      crop = [36, 64];
      step = 1;
    }
  }
  const resize =
    options.resize === undefined
      ? null
      : typeof options.resize === 'number'
        ? positiveInt(fn, 'resize', options.resize)
        : pair(fn, 'resize', options.resize);
  if (cropPadding !== 'zeros' && cropPadding !== 'error') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: cropPadding must be 'zeros' or 'error', got ${JSON.stringify(cropPadding)}.`,
    );
  }
  return {
    resize,
    crop: crop === undefined ? null : pair(fn, 'crop', crop),
    cropAnchor,
    cropPadding,
    step: positiveInt(fn, 'step', step),
    grey: booleanOption(fn, 'grey', grey),
    extensions: extensionsOf(options.extensions),
    maxPerClass:
      options.maxPerClass === undefined
        ? Number.POSITIVE_INFINITY
        : positiveInt(fn, 'maxPerClass', options.maxPerClass),
    concurrency: positiveInt(fn, 'concurrency', options.concurrency ?? 4),
  };
}

/** The cache folder (or `false`) and the warning sink of {@link imageFolder}, validated. */
export function resolveCache(options: ImageFolderOptions): {
  cacheDir: string | false;
  warn: ((line: string) => void) | false;
} {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  if (cacheDir !== false && (typeof cacheDir !== 'string' || cacheDir === '')) {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: cacheDir must be a folder path or false, got ${JSON.stringify(cacheDir)}. ` +
        'Pass a writable folder, or false to turn the cache off.',
    );
  }
  const warn = options.warn === undefined ? console.warn : options.warn;
  if (warn !== false && typeof warn !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: warn must be a function or false, got ${JSON.stringify(warn)}. ` +
        'Pass (line) => … to receive the warning, or false for silence.',
    );
  }
  return { cacheDir, warn };
}
