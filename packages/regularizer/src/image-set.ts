import { describeValue } from '@pixsim/core';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { assertLiveTensor, assertNumberList } from './arguments';
import { PACKAGE, InvalidOptionError, ShapeMismatchError } from './errors';
import { assertUnitPixels, tensorPixelsReads } from './pixel-range';

/** Pixel arrays the trainer accepts: `uint8` pixels in [0, 255] or floats already in [0, 1]. */
export type PixelArray = Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;

/**
 * A set of images, with labels where a task needs them. This is the data interface of the trainer: any
 * user data fits it, and `@pixsim/datasets` returns it as is.
 * - `images`: NHWC pixels, either a typed array (`uint8` in [0, 255] is divided by 255; float arrays
 *   must already lie in [0, 1]) with its `shape`, or a `tf.Tensor4D` (same value conventions by dtype:
 *   `int32` is treated as [0, 255], `float32` as [0, 1]). Float pixels outside [0, 1] (e.g. 0..255
 *   values not divided by 255) are a `PixelRangeError`, never clamped.
 * - `shape`: `[N, H, W, C]`; required for typed arrays, checked against a tensor's shape if given.
 * - `labels`: `N` integer class labels (needed for classification and categorical targets).
 * - `name`: the data set's name (`'mnist'`, `'fashion-mnist'`, `'cifar10'`, `'cifar100'`, as
 *   `@pixsim/datasets` sets it); {@link train} picks its default input scaling from it.
 */
export interface ImageSet {
  images: PixelArray | tf.Tensor4D;
  shape?: readonly number[];
  labels?: Int32Array | ArrayLike<number>;
  name?: string;
}

/** What {@link ImageStore} keeps of a checked {@link ImageSet}. */
interface StoreFields {
  shape: number[];
  labels: Int32Array | null;
  pixels: PixelArray | null;
  tensor: tf.Tensor4D | null;
  scale: number;
}

/** Hands the fields checked by {@link ImageStore.createAsync} to the constructor. */
class CheckedImageSet {
  constructor(readonly fields: StoreFields) {}
}

/** Every check of an {@link ImageSet}, as a `TensorReads` computation (a tensor's pixels: one read). */
function* imageSetReads(set: ImageSet, what: string): TensorReads<StoreFields> {
  const fn = 'ImageStore';
  if (set == null || set.images == null) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${what} must be an object { images, shape, labels? }, got ${describeValue(set)}.`,
    );
  }
  let shape: number[];
  let tensor: tf.Tensor4D | null;
  let pixels: PixelArray | null;
  let scale: number;
  if (set.images instanceof tf.Tensor) {
    assertLiveTensor(fn, `${what}.images`, set.images, '[N, H, W, C]');
    const t = set.images;
    if (t.rank !== 4) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${what}.images must be a rank-4 [N, H, W, C] tensor, got [${t.shape.join(', ')}]. ` +
          'Add a channel axis with tf.expandDims(x, 3) for grey images.',
      );
    }
    shape = [...t.shape];
    if (set.shape && !tf.util.arraysEqual([...set.shape], shape)) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${what}.shape [${set.shape.join(', ')}] disagrees with the tensor's shape [${shape.join(', ')}]; ` +
          'drop shape or fix it.',
      );
    }
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${what}.images must be a float32 tensor in [0, 1] or an int32 tensor of 0..255 pixels, ` +
          `got dtype ${t.dtype}; cast it with tf.cast first.`,
      );
    }
    if (shape[0] > 0) yield* tensorPixelsReads(fn, `${what}.images`, t);
    tensor = t;
    pixels = null;
    scale = t.dtype === 'int32' ? 1 / 255 : 1;
  } else {
    const px = set.images;
    const isByte = px instanceof Uint8Array || px instanceof Uint8ClampedArray;
    if (!(isByte || px instanceof Float32Array || px instanceof Float64Array)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${what}.images must be a Uint8Array, Uint8ClampedArray, Float32Array, Float64Array or a ` +
          'tf.Tensor4D; convert other arrays first.',
      );
    }
    if (set.shape?.length !== 4 || !set.shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${what}.shape must be [N, H, W, C] with positive integers for a typed-array images field, ` +
          `got ${set.shape ? `[${set.shape.join(', ')}]` : 'nothing'}.`,
      );
    }
    shape = [...set.shape];
    const size = shape[0] * shape[1] * shape[2] * shape[3];
    if (px.length !== size) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${what}.images holds ${px.length} values but shape [${shape.join(', ')}] needs ${size}; ` +
          'the array is truncated or the shape is wrong.',
      );
    }
    if (!isByte) assertUnitPixels(fn, `${what}.images`, px as Float32Array | Float64Array);
    pixels = px;
    tensor = null;
    scale = isByte ? 1 / 255 : 1;
  }
  if (shape[0] < 1) throw new ShapeMismatchError(PACKAGE, `${fn}: ${what} holds no images (N = 0).`);
  let labels: Int32Array | null = null;
  if (set.labels != null) {
    if (set.labels.length !== shape[0]) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${what}.labels has ${set.labels.length} entries for ${shape[0]} images; give one label per image.`,
      );
    }
    const read = Int32Array.from(set.labels as ArrayLike<number>);
    for (let i = 0; i < read.length; i++) {
      if (read[i] !== set.labels[i] || read[i] < 0) {
        throw new InvalidOptionError(
          PACKAGE,
          `${fn}: ${what}.labels[${i}] = ${set.labels[i]} is not a non-negative integer class index.`,
        );
      }
    }
    labels = read;
  }
  return { shape, labels, pixels, tensor, scale };
}

/**
 * A validated {@link ImageSet}: gathers batches of images as float32 `[B, H, W, C]` tensors in [0, 1]
 * without ever materialising the whole set as floats.
 */
export class ImageStore {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly labels: Int32Array | null;
  private readonly pixels: PixelArray | null;
  private readonly tensor: tf.Tensor4D | null;
  private readonly scale: number;

  /**
   * Checks `set` (a tensor's pixels with one synchronous read; use {@link ImageStore.createAsync} on engines
   * without synchronous reads, `webgpu` in Node). `what` names the set in error messages (e.g. `'train'`).
   */
  constructor(set: ImageSet, what = 'images') {
    const f = set instanceof CheckedImageSet ? set.fields : runReadsSync(imageSetReads(set, what));
    [this.n, this.height, this.width, this.channels] = f.shape;
    this.labels = f.labels;
    this.pixels = f.pixels;
    this.tensor = f.tensor;
    this.scale = f.scale;
  }

  /**
   * {@link ImageStore} built with an asynchronous read of a tensor's pixels (`await data()`): works on
   * every engine, the `webgpu` engine in Node included. Same checks and errors as the constructor.
   */
  static async createAsync(set: ImageSet, what = 'images'): Promise<ImageStore> {
    return runReadsAsync(ImageStore.checkReads(set, what));
  }

  /**
   * The store as a `TensorReads` computation of `@pixsim/similarity` (for composition with `yield*`).
   *
   * @internal
   */
  static *checkReads(set: ImageSet, what = 'images'): TensorReads<ImageStore> {
    const fields = yield* imageSetReads(set, what);
    return new ImageStore(new CheckedImageSet(fields) as unknown as ImageSet, what);
  }

  /** Size of one image in values, `H·W·C`. */
  get imageSize(): number {
    return this.height * this.width * this.channels;
  }

  /** Images `indices` as a float32 `[B, H, W, C]` tensor in [0, 1] (the caller disposes it). */
  gather(indices: ArrayLike<number>): tf.Tensor4D {
    assertNumberList('ImageStore.gather', 'indices', indices);
    const b = indices.length;
    if (b === 0) {
      throw new ShapeMismatchError(
        PACKAGE,
        'ImageStore.gather: indices are empty; pass at least one image index.',
      );
    }
    const shape: [number, number, number, number] = [b, this.height, this.width, this.channels];
    for (let k = 0; k < b; k++) {
      const i = indices[k];
      if (!(Number.isInteger(i) && i >= 0 && i < this.n)) {
        throw new ShapeMismatchError(PACKAGE, `ImageStore.gather: index ${i} is outside [0, ${this.n}).`);
      }
    }
    if (this.tensor) {
      const t = this.tensor;
      const scale = this.scale;
      return tf.tidy(() => {
        const g = tf.cast(tf.gather(t, tf.tensor1d(Array.from(indices), 'int32')), 'float32');
        return (scale === 1 ? g : tf.mul(g, scale)) as tf.Tensor4D;
      });
    }
    const px = this.pixels!;
    const size = this.imageSize;
    const out = new Float32Array(b * size);
    const scale = this.scale;
    for (let k = 0; k < b; k++) {
      const start = indices[k] * size;
      if (scale === 1) out.set(px.subarray(start, start + size), k * size);
      else for (let v = 0; v < size; v++) out[k * size + v] = px[start + v] * scale;
    }
    return tf.tensor4d(out, shape);
  }

  /** Labels of `indices` (throws when the set has none). */
  labelsOf(indices: ArrayLike<number>): Int32Array {
    if (!this.labels) {
      throw new InvalidOptionError(
        PACKAGE,
        'ImageStore: this image set has no labels; pass labels: Int32Array(N).',
      );
    }
    const out = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = this.labels[indices[k]];
    return out;
  }
}

/**
 * How images in [0, 1] are mapped to network inputs: `'reference'` is the reference implementation's
 * `5·(x − 0.5)` (inputs in [−2.5, 2.5]); `'unit'` keeps [0, 1]; a function gets the float32 batch and
 * returns the input tensor.
 */
export type InputScaling = 'reference' | 'unit' | ((images: tf.Tensor4D) => tf.Tensor);

/**
 * The input scaling of the reference code for a classification task, from its data set's name:
 * `'reference'` (`5·(x − 0.5)`) for CIFAR-10/100 (`'cifar10'`, `'cifar100'`), `'unit'` ([0, 1]) for MNIST
 * and Fashion-MNIST. Where no task is known (no name, or another one) the images are fed as they are
 * (`'unit'`); pass `inputScaling` explicitly to choose.
 */
export function taskInputScaling(name: string | undefined): 'reference' | 'unit' {
  return name === 'cifar10' || name === 'cifar100' ? 'reference' : 'unit';
}

/**
 * Applies an {@link InputScaling} (allocates; call inside a tidy). An elementwise map: non-finite values
 * stay non-finite (`trainStep` refuses such batches).
 */
export function scaleInputs(images: tf.Tensor4D, scaling: InputScaling = 'reference'): tf.Tensor {
  assertLiveTensor('scaleInputs', 'images', images, '[N, H, W, C]');
  if (scaling === 'reference') return tf.mul(tf.sub(images, 0.5), 5);
  if (scaling === 'unit') return images;
  if (typeof scaling === 'function') return scaling(images);
  throw new InvalidOptionError(
    PACKAGE,
    `inputScaling must be 'reference', 'unit' or a function, got ${describeValue(scaling)}.`,
  );
}
