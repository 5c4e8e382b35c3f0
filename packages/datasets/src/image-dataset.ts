import { describeValue } from '@pixsim/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type Batch, type BatchOptions, batches } from './batches';
import { PACKAGE, CountMismatchError, InvalidOptionError } from './errors';
import { assertList, assertOptionsObject } from './describe';
import { imagesToTensor, type PreprocessOptions } from './preprocess';
import { assertSeed } from './seed';
import { mixSeed, mulberry32, permutation, shuffleInPlace } from '@pixsim/core';

/** Which part of a data set a dataset object holds. */
export type Split = 'train' | 'test' | 'validation' | 'subset' | 'all';

/** What an {@link ImageDataset} is built from. */
export interface ImageDatasetInit {
  /** Data-set name, e.g. `'mnist'`, `'cifar10'`, or the folder name for image folders. */
  name: string;
  split: Split;
  /** uint8 pixels, `[N, H, W, C]` row-major (channels last). */
  images: Uint8Array;
  shape: readonly [number, number, number, number];
  /** One class index per image, each in `[0, classNames.length)`. */
  labels: Int32Array;
  classNames: readonly string[];
}

/** The two parts returned by {@link ImageDataset.holdout}. */
export interface Holdout {
  train: ImageDataset;
  validation: ImageDataset;
}

/**
 * A labelled image set held as uint8 `[N, H, W, C]` pixels plus int32 labels. It holds no tfjs state:
 * tensors are made on demand by {@link ImageDataset.toTensor} and {@link ImageDataset.batches}.
 */
export class ImageDataset {
  readonly name: string;
  readonly split: Split;
  readonly images: Uint8Array;
  readonly shape: readonly [number, number, number, number];
  readonly labels: Int32Array;
  readonly classNames: readonly string[];

  constructor(init: ImageDatasetInit) {
    assertOptionsObject('ImageDataset', init, '{ name, split, images, shape, labels, classNames }', false);
    const { images, shape, labels, classNames, name } = init;
    if (!(images instanceof Uint8Array)) {
      throw new InvalidOptionError(
        PACKAGE,
        `ImageDataset(${describeValue(name)}): images must be a Uint8Array of pixel bytes, got ${describeValue(images)}.`,
      );
    }
    if (!(labels instanceof Int32Array) && !Array.isArray(labels)) {
      throw new InvalidOptionError(
        PACKAGE,
        `ImageDataset(${describeValue(name)}): labels must be an Int32Array of class indices, got ${describeValue(labels)}.`,
      );
    }
    if (!Array.isArray(classNames)) {
      throw new InvalidOptionError(
        PACKAGE,
        `ImageDataset(${describeValue(name)}): classNames must be an array of names, one per class, got ${describeValue(classNames)}.`,
      );
    }
    if (!Array.isArray(shape) || shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new InvalidOptionError(
        PACKAGE,
        `ImageDataset(${name}): shape must be [N, H, W, C] of non-negative integers, got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describeValue(shape)}.`,
      );
    }
    const [n, h, w, c] = shape;
    if (images.length !== n * h * w * c) {
      throw new CountMismatchError(
        `ImageDataset(${name}): ${images.length} pixel bytes do not fill shape [${shape.join(', ')}] ` +
          `(${n * h * w * c} expected). Pass the shape that matches the pixel buffer.`,
      );
    }
    if (labels.length !== n) {
      throw new CountMismatchError(
        `ImageDataset(${name}): ${n} images but ${labels.length} labels. Give exactly one label per image.`,
      );
    }
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if (y < 0 || y >= classNames.length) {
        throw new InvalidOptionError(
          PACKAGE,
          `ImageDataset(${name}): label ${y} of image ${i} is outside [0, ${classNames.length}) ` +
            `(${classNames.length} class names). Pass one class name per class.`,
        );
      }
    }
    this.name = name;
    this.split = init.split;
    this.images = images;
    this.shape = [n, h, w, c];
    this.labels = labels;
    this.classNames = classNames;
  }

  /** Number of images N. */
  get size(): number {
    return this.shape[0];
  }

  /** Number of classes. */
  get numClasses(): number {
    return this.classNames.length;
  }

  /** Bytes of one image, `H·W·C`. */
  get imageSize(): number {
    return this.shape[1] * this.shape[2] * this.shape[3];
  }

  /** A view (no copy) of the uint8 pixels `[H, W, C]` of image `i`. */
  image(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new InvalidOptionError(
        PACKAGE,
        `${this.name}.image: index ${describeValue(i)} is not an integer in [0, ${this.size}).`,
      );
    }
    return this.images.subarray(i * this.imageSize, (i + 1) * this.imageSize);
  }

  /** Images per class, indexed by class. */
  classCounts(): Int32Array {
    const counts = new Int32Array(this.numClasses);
    for (let i = 0; i < this.size; i++) counts[this.labels[i]]++;
    return counts;
  }

  /** A new data set with the images at `indices`, in that order (pixels are copied). */
  select(indices: ArrayLike<number>, split: Split = 'subset'): ImageDataset {
    assertList(`${this.name}.select`, 'indices', indices);
    const size = this.imageSize;
    const images = new Uint8Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.size) {
        throw new InvalidOptionError(
          PACKAGE,
          `${this.name}.select: index ${k} at position ${i} is not an integer in [0, ${this.size}).`,
        );
      }
      images.set(this.images.subarray(k * size, (k + 1) * size), i * size);
      labels[i] = this.labels[k];
    }
    return new ImageDataset({
      name: this.name,
      split,
      images,
      shape: [indices.length, this.shape[1], this.shape[2], this.shape[3]],
      labels,
      classNames: this.classNames,
    });
  }

  /**
   * `n` distinct images drawn uniformly without replacement, reproducible from `seed`; kept in their
   * original order.
   */
  subset(n: number, seed: number): ImageDataset {
    return this.select(this.sampleIndices(n, seed), 'subset');
  }

  /** The indices {@link ImageDataset.subset} would pick (ascending). */
  sampleIndices(n: number, seed: number): Int32Array {
    const fn = `${this.name}.subset`;
    assertSeed(fn, seed);
    if (!Number.isInteger(n) || n < 0 || n > this.size) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: n must be an integer in [0, ${this.size}] (the data set size), got ${describeValue(n)}. ` +
          'Ask for at most as many images as the data set holds.',
      );
    }
    const picked = permutation(this.size, mulberry32(mixSeed(seed, 1))).subarray(0, n);
    return Int32Array.from(picked).sort();
  }

  /**
   * Stratified hold-out: from every class, `round(fraction · count)` images (chosen with `seed`) go to
   * `validation`, the rest to `train`; both keep the original order. The paper holds out
   * `fraction = 0.01` of the training set for validation.
   */
  holdout(fraction: number, seed: number): Holdout {
    const fn = `${this.name}.holdout`;
    assertSeed(fn, seed);
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: fraction must be in (0, 1), got ${describeValue(fraction)}. The paper uses 0.01 (1% for validation).`,
      );
    }
    const random = mulberry32(mixSeed(seed, 2));
    const byClass: number[][] = Array.from({ length: this.numClasses }, () => []);
    for (let i = 0; i < this.size; i++) byClass[this.labels[i]].push(i);
    const isValidation = new Uint8Array(this.size);
    for (const members of byClass) {
      const take = Math.round(fraction * members.length);
      const order = shuffleInPlace(Int32Array.from(members), random);
      for (let k = 0; k < take; k++) isValidation[order[k]] = 1;
    }
    const train: number[] = [];
    const validation: number[] = [];
    for (let i = 0; i < this.size; i++) (isValidation[i] ? validation : train).push(i);
    return { train: this.select(train, this.split), validation: this.select(validation, 'validation') };
  }

  /**
   * The selected images (default all) as a float32 tensor `[n, H, W, C']` with the paper's
   * preprocessing; see {@link imagesToTensor}. The caller disposes it.
   */
  toTensor(indices?: ArrayLike<number>, options: PreprocessOptions = {}): tf.Tensor4D {
    return imagesToTensor(this, indices, options);
  }

  /**
   * One epoch of batches `{ xs, ys, indices }` as tf tensors, with seeded shuffling, optional CIFAR
   * augmentation and the next batch prepared while the current one is used; see {@link batches}.
   */
  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    return batches(this, options);
  }
}
