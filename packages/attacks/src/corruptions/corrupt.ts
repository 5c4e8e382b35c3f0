import { describeValue } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, CorruptionUnavailableError, InvalidOptionError, ShapeMismatchError } from '../errors';
import { assertSeed, deriveSeed } from '../random';
import { assertImageBatch, assertOptions, imagesReads } from '../validate';
import { corruptPixels, RANDOM_CORRUPTIONS } from './apply';
import {
  assertFamily,
  assertSeverity,
  CIFAR10C_PARAMETERS,
  CORRUPTION_FAMILIES,
  type CorruptionFamily,
} from './families';
import type { ImageSize } from './image-ops';
import { type JpegCodec, jpegImages } from './jpeg';
import { runStepsAsync, runStepsSync, type Steps } from './steps';

/** Options of {@link corrupt} and {@link corruptAsync}. */
export interface CorruptionOptions {
  /**
   * Seed of the random families (Gaussian, shot and impulse noise, motion blur, elastic transform), where it
   * is required; the others ignore it. Image `i` uses its own stream derived from `(seed, indexOffset + i)`.
   */
  seed?: number;
  /** Global index of the first image of this batch (default 0), so a data set's corruption does not depend on its batching. */
  indexOffset?: number;
  /** The JPEG round trip of `'jpeg-compression'` (asynchronous calls only), e.g. `await sharpJpeg()` of `@pixsim/attacks/node`. */
  jpeg?: JpegCodec;
}

/** `'sync'` calls cannot wait for a JPEG codec. */
export type RunMode = 'sync' | 'async';

/** Checks family, severity and options; returns the seed and index offset to use. */
export function checkCorruptionOptions(
  fn: string,
  family: unknown,
  severity: unknown,
  options: CorruptionOptions | undefined,
  mode: RunMode,
): asserts family is CorruptionFamily {
  assertFamily(fn, family);
  assertSeverity(fn, severity);
  assertOptions(fn, options);
  const seed = options?.seed;
  if (RANDOM_CORRUPTIONS.has(family) || seed !== undefined) assertSeed(fn, seed);
  const offset = options?.indexOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: indexOffset must be an integer ≥ 0, got ${describeValue(offset)}.`,
    );
  }
  assertJpegCodec(fn, family, options?.jpeg, mode);
}

/** Throws unless `'jpeg-compression'` can run here: an asynchronous call with a codec function. */
export function assertJpegCodec(fn: string, family: CorruptionFamily, codec: unknown, mode: RunMode): void {
  if (codec !== undefined && typeof codec !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: jpeg must be a JPEG codec (image, quality) => Promise<Uint8Array>, e.g. await sharpJpeg() of ` +
        `@pixsim/attacks/node; got ${describeValue(codec)}.`,
    );
  }
  if (family !== 'jpeg-compression') return;
  if (mode === 'sync') {
    throw new CorruptionUnavailableError(
      family,
      'sync',
      `${fn}: 'jpeg-compression' encodes through an asynchronous JPEG codec; call the *Async function ` +
        '(corruptAsync, evaluateCorruptionsAsync) with { jpeg: await sharpJpeg() } from @pixsim/attacks/node.',
    );
  }
  if (codec === undefined) {
    throw new CorruptionUnavailableError(
      family,
      'needs-codec',
      `${fn}: 'jpeg-compression' needs a JPEG encoder; pass { jpeg: await sharpJpeg() } (import sharpJpeg from ` +
        "'@pixsim/attacks/node', with sharp installed) or your own (image, quality) => Promise<Uint8Array>.",
    );
  }
}

/** Throws unless the images have 1 (grey) or 3 (RGB) channels, and colour where `saturate` needs it. */
export function assertChannels(fn: string, images: tf.Tensor4D, family?: CorruptionFamily): void {
  const c = images.shape[3];
  if (c !== 1 && c !== 3) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: corruptions take grey (C = 1) or RGB (C = 3) images [N, H, W, C], got C = ${c}. ` +
        'Drop an alpha channel with tf.slice, or corrupt each channel group separately.',
    );
  }
  if (family === 'saturate' && c === 1) {
    throw new CorruptionUnavailableError(
      family,
      'grey-images',
      `${fn}: 'saturate' scales the HSV saturation, which grey images (C = 1) do not have (every pixel has S = 0). ` +
        'Leave saturate out for grey data, or pass RGB images.',
    );
  }
}

/** Corrupts already-read pixels; JPEG waits for its codec (yielded as a promise). */
export function* corruptPixelSteps(
  fn: string,
  family: CorruptionFamily,
  severity: number,
  pixels: Float32Array,
  n: number,
  size: ImageSize,
  options: CorruptionOptions,
): Steps<Float32Array> {
  const offset = options.indexOffset ?? 0;
  if (family === 'jpeg-compression') {
    const quality = CIFAR10C_PARAMETERS['jpeg-compression'][severity - 1];
    return (yield jpegImages(fn, pixels, n, size, quality, options.jpeg as JpegCodec)) as Float32Array;
  }
  return corruptPixels(family, severity, pixels, n, size, options.seed ?? 0, offset);
}

function* corruptSteps(
  fn: string,
  images: tf.Tensor4D,
  family: CorruptionFamily,
  severity: number,
  options: CorruptionOptions | undefined,
  mode: RunMode,
): Steps<tf.Tensor4D> {
  checkCorruptionOptions(fn, family, severity, options, mode);
  assertImageBatch(fn, images);
  assertChannels(fn, images, family);
  yield* imagesReads(fn, images, [0, 1]);
  const [n, h, w, c] = images.shape;
  const x = tf.cast(images, 'float32');
  let values: Float32Array;
  try {
    values = (yield x) as Float32Array;
  } finally {
    x.dispose();
  }
  const pixels = yield* corruptPixelSteps(fn, family, severity, values, n, { h, w, c }, options ?? {});
  return tf.tensor4d(pixels, [n, h, w, c]);
}

/**
 * Applies a common corruption of CIFAR-10-C (Hendrycks & Dietterich 2019) at `severity` 1–5 to `[N, H, W, C]`
 * images in [0, 1] (C = 1 or 3), with the CIFAR variant of the reference constants
 * ({@link CIFAR10C_PARAMETERS}); the result is clipped to [0, 1]. Random families need `options.seed`.
 * `'jpeg-compression'` is asynchronous: use {@link corruptAsync}.
 *
 * @example
 * ```ts
 * const blurred = corrupt(images, 'defocus-blur', 3);
 * const noisy = corrupt(images, 'shot-noise', 5, { seed: 1 });
 * ```
 */
export function corrupt(
  images: tf.Tensor4D,
  family: CorruptionFamily,
  severity: number,
  options?: CorruptionOptions,
): tf.Tensor4D {
  return runStepsSync(corruptSteps('corrupt', images, family, severity, options, 'sync'));
}

/**
 * {@link corrupt} with asynchronous reads (`await data()`, every engine, `webgpu` in Node included), and
 * `'jpeg-compression'` through `options.jpeg`.
 *
 * @example
 * ```ts
 * import { corruptAsync, sharpJpeg } from '@pixsim/attacks/node';
 * const jpeg = await corruptAsync(images, 'jpeg-compression', 5, { jpeg: await sharpJpeg() });
 * ```
 */
export async function corruptAsync(
  images: tf.Tensor4D,
  family: CorruptionFamily,
  severity: number,
  options?: CorruptionOptions,
): Promise<tf.Tensor4D> {
  return runStepsAsync(corruptSteps('corruptAsync', images, family, severity, options, 'async'));
}

/**
 * The seed of the `(family, severity)` streams of a corruption evaluation run with `seed`: corrupting the
 * whole set with `corrupt(images, family, severity, { seed: corruptionSeed(seed, family, severity) })`
 * gives the images that `evaluateCorruptions` classified.
 */
export function corruptionSeed(seed: number, family: CorruptionFamily, severity: number): number {
  assertSeed('corruptionSeed', seed);
  assertFamily('corruptionSeed', family);
  assertSeverity('corruptionSeed', severity);
  return deriveSeed(seed, CORRUPTION_FAMILIES.indexOf(family), severity);
}
