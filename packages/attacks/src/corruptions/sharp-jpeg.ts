import type SharpModule from 'sharp';
import { PACKAGE, MissingPackageError, ShapeMismatchError } from '../errors';
import type { JpegCodec, RawImage } from './jpeg';

type Sharp = typeof SharpModule;

/** Encodes one 8-bit image as JPEG at `quality`: RGB with 4:2:0 chroma subsampling (Pillow's default, as CIFAR-10-C), grey as one component. */
export async function encodeJpeg(sharp: Sharp, image: RawImage, quality: number): Promise<Buffer> {
  const { data, width, height, channels } = image;
  let pipeline = sharp(data, { raw: { width, height, channels } });
  // Grey stays a one-component JPEG (as Pillow saves mode 'L'); libvips would otherwise write sRGB.
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  return pipeline.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** Decodes a JPEG into `channels` 8-bit channels. */
export async function decodeJpeg(sharp: Sharp, jpeg: Buffer, channels: 1 | 3): Promise<Uint8Array> {
  let pipeline = sharp(jpeg);
  pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.removeAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) {
    throw new ShapeMismatchError(
      PACKAGE,
      `sharpJpeg: sharp decoded ${info.channels} channels where ${channels} were encoded; update sharp (≥ 0.33).`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Loads `sharp`, or throws {@link MissingPackageError} naming the install. */
export async function loadSharp(load: () => Promise<unknown> = () => import('sharp')): Promise<Sharp> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (error) {
    throw new MissingPackageError(
      PACKAGE,
      'sharpJpeg: the npm package sharp is not installed (or failed to load: ' +
        `${error instanceof Error ? error.message : String(error)}); it is an optional peer dependency of ` +
        "@pixsim/attacks for 'jpeg-compression'. Install it next to @pixsim/attacks (npm install sharp), or " +
        'pass your own JPEG codec as { jpeg }.',
      { packageName: 'sharp' },
    );
  }
  const m = mod as { default?: Sharp } & Sharp;
  return typeof m.default === 'function' ? m.default : m;
}

/**
 * The JPEG codec of `'jpeg-compression'` through `sharp` (libvips with libjpeg's standard quantisation
 * tables, 4:2:0 chroma subsampling as Pillow's default that CIFAR-10-C used). Throws
 * {@link MissingPackageError} when `sharp` (an optional peer dependency) is not installed.
 *
 * @example
 * ```ts
 * import { corruptAsync, evaluateCorruptionsAsync, sharpJpeg } from '@pixsim/attacks/node';
 * const jpeg = await sharpJpeg();
 * const x5 = await corruptAsync(images, 'jpeg-compression', 5, { jpeg }); // quality 40
 * const result = await evaluateCorruptionsAsync(clf, data, { seed: 1, jpeg }); // every family, JPEG included
 * ```
 */
export async function sharpJpeg(): Promise<JpegCodec> {
  const sharp = await loadSharp();
  return async (image, quality) => decodeJpeg(sharp, await encodeJpeg(sharp, image, quality), image.channels);
}
