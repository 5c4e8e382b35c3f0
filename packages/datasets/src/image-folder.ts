import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import {
  PACKAGE,
  DecodeError,
  EmptyFolderError,
  InvalidOptionError,
  MissingFileError,
  SizeMismatchError,
} from './errors';
import { cacheKey, cachePath, readCache, writeCacheOrWarn } from './image-cache';
import { ImageDataset } from './image-dataset';
import { type ImageFolderOptions, type Resolved, resolveCache, resolveOptions } from './image-folder-options';

export type { ImageFolderOptions } from './image-folder-options';

interface Listing {
  classNames: string[];
  files: { path: string; label: number; size: number; mtimeMs: number }[];
}

async function listFolder(dir: string, o: Resolved): Promise<Listing> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingFileError(
        `imageFolder: ${dir} does not exist. Pass a folder laid out as <class>/<image file>.`,
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new MissingFileError(
        `imageFolder: ${dir} is a file, not a folder. Pass a folder laid out as <class>/<image file>.`,
      );
    }
    throw error;
  }
  const classNames = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const files: Listing['files'] = [];
  const used: string[] = [];
  for (const name of classNames) {
    const images = (await readdir(join(dir, name)))
      .filter((f) => !f.startsWith('.') && o.extensions.includes(extname(f).toLowerCase()))
      .sort()
      .slice(0, o.maxPerClass);
    if (images.length === 0) continue;
    const label = used.length;
    used.push(name);
    for (const f of images) {
      const path = join(dir, name, f);
      const s = await stat(path);
      files.push({ path, label, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
    }
  }
  if (files.length === 0) {
    throw new EmptyFolderError(
      `imageFolder: ${dir} holds no images (${classNames.length} class folders; extensions ${o.extensions.join(', ')}). ` +
        'Lay the folder out as <class>/<image file>, or pass the extensions your files use.',
    );
  }
  return { classNames: used, files };
}

/** PIL `convert('L')`: ITU-R 601-2 luma with integer rounding. */
function toGrey(rgb: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    out[p] = (rgb[3 * p] * 19595 + rgb[3 * p + 1] * 38470 + rgb[3 * p + 2] * 7471 + 0x8000) >> 16;
  }
  return out;
}

/** Centre crop (with zero padding) followed by keeping every `step`-th pixel. */
function cropAndStep(
  src: Uint8Array,
  h: number,
  w: number,
  c: number,
  crop: readonly [number, number] | null,
  step: number,
  anchor: 'round' | 'floor' = 'round',
): { data: Uint8Array; h: number; w: number } {
  const [ch, cw] = crop ?? [h, w];
  const top = anchor === 'floor' ? Math.floor(h / 2) - Math.floor(ch / 2) : Math.round((h - ch) / 2);
  const left = anchor === 'floor' ? Math.floor(w / 2) - Math.floor(cw / 2) : Math.round((w - cw) / 2);
  const oh = Math.ceil(ch / step);
  const ow = Math.ceil(cw / step);
  if (!crop && step === 1) return { data: src, h, w };
  const out = new Uint8Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    const sy = top + y * step;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < ow; x++) {
      const sx = left + x * step;
      if (sx < 0 || sx >= w) continue;
      const s = (sy * w + sx) * c;
      const d = (y * ow + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = src[s + k];
    }
  }
  return { data: out, h: oh, w: ow };
}

async function decodeOne(
  path: string,
  o: Resolved,
): Promise<{ data: Uint8Array; h: number; w: number; c: number }> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    let image = sharp(path);
    if (o.resize !== null) {
      image =
        typeof o.resize === 'number'
          ? image.resize({ width: o.resize, height: o.resize, fit: 'outside' })
          : image.resize({ width: o.resize[1], height: o.resize[0], fit: 'fill' });
    }
    decoded = await image.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new DecodeError(
      `imageFolder: ${path} could not be decoded (${(error as Error).message}). Remove or re-encode the file ` +
        '(JPEG / PNG), or exclude its extension with { extensions }.',
    );
  }
  const { width: w, height: h, channels } = decoded.info;
  let rgb = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  if (channels === 1) {
    const expanded = new Uint8Array(h * w * 3);
    for (let p = 0; p < h * w; p++) expanded[3 * p] = expanded[3 * p + 1] = expanded[3 * p + 2] = rgb[p];
    rgb = expanded;
  } else if (channels !== 3) {
    throw new DecodeError(
      `imageFolder: ${path} decoded to ${channels} channels, expected 3. Re-encode it as RGB.`,
    );
  }
  const c = o.grey ? 1 : 3;
  const pixels = o.grey ? toGrey(rgb, h * w) : rgb;
  if (o.crop && o.cropPadding === 'error' && (h < o.crop[0] || w < o.crop[1])) {
    throw new SizeMismatchError(
      o.cropAnchor === 'floor'
        ? `imageFolder: ${path} is ${h}x${w}, smaller than the reference's ${o.crop[0]}x${o.crop[1]} crop of ` +
            "full-size ImageNet photos; for small images (thumbnails) use { transform: 'imagenet-thumbnail' }."
        : `imageFolder: ${path} is ${h}x${w}, smaller than the crop ${o.crop[0]}x${o.crop[1]}. Resize first ` +
            "(e.g. { resize: 256 }) or allow zero padding with { cropPadding: 'zeros' }.",
    );
  }
  const out = cropAndStep(pixels, h, w, c, o.crop, o.step, o.cropAnchor);
  return { data: out.data, h: out.h, w: out.w, c };
}

/**
 * Loads an image folder laid out as `<class>/<image>` (ImageNet/ILSVRC train layout, Tiny-ImageNet,
 * Imagenette) into an {@link ImageDataset}: files decoded with `sharp`, then optionally resized,
 * converted to grey, centre-cropped and sub-sampled (see {@link ImageFolderOptions}; the paper's
 * ImageNet regularization images use `{ transform: 'imagenet-regularization' }`). Classes are the
 * sub-folders holding images, sorted by name; files are sorted by name.
 *
 * The decoded uint8 tensor is cached on disk (`cacheDir`), so a second load with the same files and
 * options reads one file instead of decoding every image. A cache folder that cannot be written
 * (read-only, full, a file in the way) does not fail the load: `warn` is told once, naming the folder
 * and the fix, and the decoded images are returned uncached.
 */
export async function imageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: options must be an object, got ${JSON.stringify(options)}. Pass {} for the defaults.`,
    );
  }
  if (typeof dir !== 'string' || dir === '') {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: dir must be the path of a folder laid out as <class>/<image file>, got ${JSON.stringify(dir)}.`,
    );
  }
  const o = resolveOptions(options);
  const { cacheDir, warn } = resolveCache(options);
  if (
    options.split !== undefined &&
    !['train', 'test', 'validation', 'subset', 'all'].includes(options.split)
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `imageFolder: split must be 'train', 'test', 'validation', 'subset' or 'all', got ${JSON.stringify(options.split)}.`,
    );
  }
  const root = resolve(dir);
  const name = basename(root);
  const split = options.split ?? 'train';
  const listing = await listFolder(root, o);
  const key = cacheKey({
    root,
    files: listing.files.map((f) => [f.path, f.size, f.mtimeMs]),
    options: { ...o, maxPerClass: String(o.maxPerClass), concurrency: undefined },
  });
  const file = cacheDir === false ? null : cachePath(cacheDir, key);
  if (file) {
    const cached = await readCache(file, name, split);
    if (cached) return cached;
  }

  const n = listing.files.length;
  const decoded: Uint8Array[] = new Array(n);
  let shape: [number, number, number] | null = null;
  let first = '';
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const one = await decodeOne(listing.files[i].path, o);
      if (shape === null) {
        shape = [one.h, one.w, one.c];
        first = listing.files[i].path;
      } else if (one.h !== shape[0] || one.w !== shape[1]) {
        throw new SizeMismatchError(
          `imageFolder: ${listing.files[i].path} is ${one.h}x${one.w} but ${first} is ${shape[0]}x${shape[1]}. ` +
            'All images of a data set must have one size: pass { resize: [h, w] } or { crop: [h, w] }.',
        );
      }
      decoded[i] = one.data;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, n) }, worker));
  const [h, w, c] = shape as unknown as [number, number, number];
  const size = h * w * c;
  const images = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) images.set(decoded[i], i * size);
  const labels = Int32Array.from(listing.files, (f) => f.label);
  const dataset = new ImageDataset({
    name,
    split,
    images,
    shape: [n, h, w, c],
    labels,
    classNames: listing.classNames,
  });
  if (file && cacheDir !== false) await writeCacheOrWarn(cacheDir, file, dataset, warn);
  return dataset;
}
