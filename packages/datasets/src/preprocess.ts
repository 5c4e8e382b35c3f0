import { describeValue } from '@pixsim/core';
import { assertList, assertOptionsObject } from './describe';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, CountMismatchError, InvalidOptionError } from './errors';

/**
 * How colour images become one channel: `'luma'` is ITU-R 601-2 (`0.299 R + 0.587 G + 0.114 B`, what
 * torchvision's `Grayscale` and PIL use), `'mean'` averages the channels (what the pixel similarity
 * `S^pixel` of `@pixsim/similarity` does).
 */
export type GreyMode = 'luma' | 'mean';

/**
 * Value scaling of the model input: `'unit'` maps uint8 to `[0, 1]`; `'paper'` is the paper's
 * `5·(x − 0.5)` on the `[0, 1]` value, i.e. `[−2.5, 2.5]`.
 */
export type PixelScale = 'unit' | 'paper';

/** The paper's preprocessing of uint8 images into model inputs. */
export interface PreprocessOptions {
  /**
   * Convert to one channel. `true` means `'luma'`. Default `false` (keep the stored channels).
   * Single-channel data (MNIST) is unaffected.
   */
  grey?: boolean | GreyMode;
  /**
   * Value scaling. Default: the data set's task, as the reference does ({@link taskPixelScale}):
   * `'paper'` for CIFAR-10/100 (`name` `'cifar10'`/`'cifar100'`), `'unit'` for MNIST, Fashion-MNIST and any
   * other data set. Images that regularize another task (e.g. ImageNet images for a CIFAR classifier)
   * must take that task's scaling: pass it explicitly.
   */
  scale?: PixelScale;
}

/** Resolved preprocessing, shared by {@link imagesToTensor} and the batch iterators. */
export interface ResolvedPreprocess {
  grey: GreyMode | null;
  /** y = x·mul + add, applied to the uint8 value x. */
  mul: number;
  add: number;
}

/**
 * The input scaling the reference uses for a classification task, from the data set's name: `'paper'`
 * (`5·(x − 0.5)`) for CIFAR-10 and CIFAR-100, `'unit'` (`[0, 1]`) for MNIST and Fashion-MNIST. Any other
 * name (no known task, e.g. an image folder) gives `'unit'`, the images as they are.
 */
export function taskPixelScale(name: string | undefined): PixelScale {
  return name === 'cifar10' || name === 'cifar100' ? 'paper' : 'unit';
}

/**
 * Checks and resolves {@link PreprocessOptions}; without `scale`, the scaling of `taskName`'s task
 * ({@link taskPixelScale}).
 */
export function resolvePreprocess(
  fn: string,
  options: PreprocessOptions = {},
  taskName?: string,
): ResolvedPreprocess {
  assertOptionsObject(fn, options, '{ grey?, scale? }');
  const { grey = false, scale = taskPixelScale(taskName) } = options;
  let mode: GreyMode | null;
  if (grey === false) mode = null;
  else if (grey === true || grey === 'luma') mode = 'luma';
  else if (grey === 'mean') mode = 'mean';
  else {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: grey must be true, false, 'luma' or 'mean', got ${JSON.stringify(grey)}. ` +
        "Use true (ITU-R 601-2 luma, the paper's default) or 'mean' (channel average).",
    );
  }
  if (scale === 'unit') return { grey: mode, mul: 1 / 255, add: 0 };
  if (scale === 'paper') return { grey: mode, mul: 5 / 255, add: -2.5 };
  throw new InvalidOptionError(
    PACKAGE,
    `${fn}: scale must be 'unit' ([0, 1]) or 'paper' (5·(x − 0.5)), got ${JSON.stringify(scale)}.`,
  );
}

/** Output channel count after preprocessing. */
export function outputChannels(channels: number, pre: ResolvedPreprocess): number {
  return pre.grey !== null && channels > 1 ? 1 : channels;
}

/**
 * A geometric transform applied while copying one image: a crop of the reflect-padded image at
 * offset (`dy`, `dx`) of the padded frame (`pad` pixels each side) and an optional horizontal flip.
 * `pad = 0, dy = dx = 0, flip = false` is the identity.
 */
export interface PixelTransform {
  pad: number;
  dy: number;
  dx: number;
  flip: boolean;
}

const IDENTITY: PixelTransform = { pad: 0, dy: 0, dx: 0, flip: false };

/** Reflect index `i` into `[0, n)` without repeating the edge (numpy / torch `'reflect'`). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) {
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
  }
  return j;
}

/**
 * Writes image `index` of a uint8 `[N, H, W, C]` buffer into `out` (float, `[H, W, C']`) at `offset`,
 * applying `transform`, grey conversion and scaling. Host-side: allocates no tensor.
 */
export function writeImage(
  images: Uint8Array,
  shape: readonly [number, number, number, number],
  index: number,
  out: Float32Array,
  offset: number,
  pre: ResolvedPreprocess,
  transform: PixelTransform = IDENTITY,
): void {
  const [, h, w, c] = shape;
  const base = index * h * w * c;
  const { mul, add } = pre;
  const toGrey = pre.grey !== null && c > 1;
  const identity = transform.pad === 0 && transform.dy === 0 && transform.dx === 0 && !transform.flip;
  if (identity && !toGrey) {
    const n = h * w * c;
    for (let k = 0; k < n; k++) out[offset + k] = images[base + k] * mul + add;
    return;
  }
  const luma = pre.grey === 'luma' && c === 3;
  let o = offset;
  for (let y = 0; y < h; y++) {
    const sy = identity ? y : reflect(y + transform.dy - transform.pad, h);
    for (let x = 0; x < w; x++) {
      const tx = transform.flip ? w - 1 - x : x;
      const sx = identity ? x : reflect(tx + transform.dx - transform.pad, w);
      const p = base + (sy * w + sx) * c;
      if (toGrey) {
        let v: number;
        if (luma) v = 0.299 * images[p] + 0.587 * images[p + 1] + 0.114 * images[p + 2];
        else {
          v = 0;
          for (let k = 0; k < c; k++) v += images[p + k];
          v /= c;
        }
        out[o++] = v * mul + add;
      } else {
        for (let k = 0; k < c; k++) out[o++] = images[p + k] * mul + add;
      }
    }
  }
}

/** Anything holding uint8 images `[N, H, W, C]` (an {@link ImageDataset} does). */
export interface ImageSource {
  readonly images: Uint8Array;
  readonly shape: readonly [number, number, number, number];
  /** Data-set name; picks the default scaling ({@link taskPixelScale}). */
  readonly name?: string;
}

/** Checks that every index is an integer in `[0, N)`. */
export function assertIndices(fn: string, indices: ArrayLike<number>, n: number): void {
  assertList(fn, 'indices', indices);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: index ${k} at position ${i} is not an integer in [0, ${n}). ` +
          'Pass indices of images that exist in the data set.',
      );
    }
  }
}

/**
 * Converts the selected images to a float32 tensor `[n, H, W, C']` with the paper's preprocessing
 * (`[0, 1]` or `5·(x − 0.5)`, optional grey). One tensor is allocated; the caller disposes it.
 *
 * @param source - an {@link ImageDataset} (or any `{ images, shape }`).
 * @param indices - which images, in order; default all.
 */
export function imagesToTensor(
  source: ImageSource,
  indices?: ArrayLike<number>,
  options: PreprocessOptions = {},
): tf.Tensor4D {
  const fn = 'imagesToTensor';
  assertSource(fn, source);
  const pre = resolvePreprocess(fn, options, source.name);
  const [n, h, w, c] = source.shape;
  const picked = indices ?? Int32Array.from({ length: n }, (_, i) => i);
  assertIndices(fn, picked, n);
  const outC = outputChannels(c, pre);
  const size = h * w * outC;
  const out = new Float32Array(picked.length * size);
  for (let i = 0; i < picked.length; i++)
    writeImage(source.images, source.shape, picked[i], out, i * size, pre);
  return tf.tensor4d(out, [picked.length, h, w, outC], 'float32');
}

/** Throws unless `source` is `{ images: Uint8Array, shape: [N, H, W, C] }` with matching sizes. */
function assertSource(fn: string, source: unknown): asserts source is ImageSource {
  const s = source as Partial<ImageSource> | null;
  const shape = s?.shape;
  if (
    typeof s !== 'object' ||
    s === null ||
    !(s.images instanceof Uint8Array) ||
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: source must be an ImageDataset or { images: Uint8Array, shape: [N, H, W, C] } with positive ` +
        `integer sizes, got ${describeValue(source)}${Array.isArray(shape) ? ` with shape [${shape.join(', ')}]` : ''}.`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (s.images.length !== size) {
    throw new CountMismatchError(
      `${fn}: ${s.images.length} pixel bytes do not fill shape [${shape.join(', ')}] (${size} expected). ` +
        'Pass the shape that matches the pixel buffer.',
    );
  }
}
