import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import {
  PACKAGE,
  DisposedTensorError,
  InvalidClassifierError,
  InvalidEpsilonError,
  InvalidLabelsError,
  InvalidOptionError,
  MissingLabelsError,
  NonFiniteValueError,
  OutOfBoundsError,
  ShapeMismatchError,
} from './errors';
import { describeValue, isOptionsObject, isTensor, runReadsSync, type TensorReads } from '@pixsim/core';

/** Throws {@link DisposedTensorError} when `x` is a disposed tensor. */
export function assertNotDisposed(fn: string, argument: string, x: unknown): void {
  if (isTensor(x) && x.isDisposed) {
    throw new DisposedTensorError(
      argument,
      `${fn}: ${argument} is a disposed tensor; keep it alive (tf.keep, or dispose it later) until the call returns.`,
    );
  }
}

/**
 * Throws {@link InvalidClassifierError} unless `c` looks like a classifier from `createClassifier`: an
 * object with a `logits` function and finite `bounds` `[min, max]`.
 */
export function assertClassifier(fn: string, c: unknown, argument = 'classifier'): asserts c is Classifier {
  const k = c as Partial<Classifier> | null;
  const b = k?.bounds;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.logits !== 'function' ||
    !Array.isArray(b) ||
    b.length !== 2 ||
    !Number.isFinite(b[0]) ||
    !Number.isFinite(b[1])
  ) {
    throw new InvalidClassifierError(
      argument,
      `${fn}: ${argument} must be a classifier from createClassifier(model, { bounds }), got ${describeValue(c)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `options` is an object (or undefined, for the defaults). */
export function assertOptions(fn: string, options: unknown): void {
  if (options !== undefined && !isOptionsObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object (or left out for the defaults), got ${describeValue(options)}.`,
    );
  }
}

/** Class labels: a `[N]` tensor or an array of integer class indices. */
export type Labels = tf.Tensor1D | Int32Array | readonly number[];

/**
 * Checks a batch of images: rank 4 `[N, H, W, C]`, finite, inside `bounds`. One synchronous read of
 * min/max; throws {@link ShapeMismatchError}, {@link NonFiniteValueError} or {@link OutOfBoundsError}.
 */
export function assertImages(fn: string, images: tf.Tensor, bounds: readonly [number, number]): void {
  runReadsSync(imagesReads(fn, images, bounds));
}

/** {@link assertImages} as a {@link TensorReads} computation (one read, by the driver that runs it). */
export function* imagesReads(
  fn: string,
  images: tf.Tensor,
  bounds: readonly [number, number],
): TensorReads<void> {
  assertNotDisposed(fn, 'images', images);
  if (!isTensor(images) || images.rank !== 4) {
    const shape = isTensor(images) ? `[${images.shape.join(', ')}]` : typeof images;
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: images must be a rank-4 tensor [N, H, W, C], got ${shape}. ` +
        'Add the batch/channel axes with tf.reshape (e.g. [N, 28, 28, 1] for grey images).',
    );
  }
  if (images.shape[0] === 0) {
    throw new ShapeMismatchError(PACKAGE, `${fn}: images hold no image (N = 0); pass at least one image.`);
  }
  // min, max and the finiteness flag in one read.
  const stats = tf.tidy(() => {
    const f = tf.cast(images, 'float32');
    return tf.stack([tf.min(f), tf.max(f), tf.cast(tf.all(tf.isFinite(f)), 'float32')]);
  });
  let lo: number;
  let hi: number;
  let ok: number;
  try {
    [lo, hi, ok] = yield stats;
  } finally {
    stats.dispose();
  }
  assertRange(fn, lo, hi, ok === 1, bounds);
}

/**
 * The checks of {@link imagesReads} on plain row-major values (no tensor, no read): finite and inside
 * `bounds`, with the same errors.
 */
export function assertValuesInBounds(
  fn: string,
  values: Float32Array,
  bounds: readonly [number, number],
): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let ok = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v - v !== 0) ok = false; // NaN and ±Infinity
  }
  assertRange(fn, lo, hi, ok, bounds);
}

function assertRange(
  fn: string,
  lo: number,
  hi: number,
  ok: boolean,
  bounds: readonly [number, number],
): void {
  if (!ok) {
    throw new NonFiniteValueError(
      PACKAGE,
      `${fn}: images contain NaN or ±Infinity; clean or drop those images first.`,
    );
  }
  if (lo < bounds[0] || hi > bounds[1]) {
    const bytes = bounds[0] === 0 && bounds[1] === 1 && lo >= 0 && hi > 1 && hi <= 255;
    throw new OutOfBoundsError(
      lo,
      hi,
      bounds,
      `${fn}: image values span [${lo}, ${hi}], outside the bounds [${bounds[0]}, ${bounds[1]}]. ` +
        (bytes
          ? 'They look like 0..255 pixels: divide bytes by 255 (nothing is clamped).'
          : 'Scale the images into the bounds (e.g. divide bytes by 255) or create the classifier with matching bounds.'),
    );
  }
}

/** Reads labels into an `Int32Array`, checking presence, count `n` and (if given) the class range. */
export function readLabels(
  fn: string,
  labels: Labels | undefined | null,
  n: number,
  numClasses?: number,
): Int32Array {
  return runReadsSync(labelsReads(fn, labels, n, numClasses));
}

/** {@link readLabels} as a {@link TensorReads} computation (a tensor is read by the driver that runs it). */
export function* labelsReads(
  fn: string,
  labels: Labels | undefined | null,
  n: number,
  numClasses?: number,
): TensorReads<Int32Array> {
  if (labels === undefined || labels === null) {
    throw new MissingLabelsError(
      `${fn}: labels are required (one integer class per image); pass the true labels of the ${n} image(s).`,
    );
  }
  let values: ArrayLike<number>;
  if (!isTensor(labels) && !(Array.isArray(labels) || ArrayBuffer.isView(labels))) {
    throw new InvalidLabelsError(
      PACKAGE,
      `${fn}: labels must be a [N] tensor or an array of class indices, got ${typeof labels}.`,
    );
  }
  assertNotDisposed(fn, 'labels', labels);
  if (isTensor(labels)) {
    if (labels.rank !== 1) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: labels must be a rank-1 tensor [N] of class indices, got shape [${labels.shape.join(', ')}]. ` +
          'Convert one-hot labels with tf.argMax(labels, 1).',
      );
    }
    values = yield labels;
  } else values = labels;
  if (values.length !== n) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: got ${values.length} labels for ${n} images; pass exactly one label per image.`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new InvalidLabelsError(
        PACKAGE,
        `${fn}: label ${i} is ${v}; labels must be integers in [0, ${numClasses ?? 'K'}). ` +
          'Pass class indices, not one-hot rows or names.',
      );
    }
    out[i] = v;
  }
  if (numClasses !== undefined) assertLabelsInClasses(fn, out, numClasses);
  return out;
}

/** Throws {@link InvalidLabelsError} unless every label is below `numClasses` (the model's K). */
export function assertLabelsInClasses(fn: string, labels: Int32Array, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new InvalidLabelsError(
        PACKAGE,
        `${fn}: label ${i} is ${labels[i]}, not a class of a model with ${numClasses} outputs; labels must ` +
          `lie in [0, ${numClasses}). Pass the class indices the model was trained on.`,
      );
    }
  }
}

const probedClassCounts = new WeakMap<Classifier, number>();

/**
 * The number of classes K of `classifier`: its `numClasses` when known, else the width of its logits on
 * the first image of `images` (one forward pass of one image, tidy, remembered per classifier).
 * `probed` tells whether this call ran the model (a query to count). `images` must be a checked batch.
 */
export function classCount(classifier: Classifier, images: tf.Tensor4D): { k: number; probed: boolean } {
  if (classifier.numClasses !== undefined) return { k: classifier.numClasses, probed: false };
  const known = probedClassCounts.get(classifier);
  if (known !== undefined) return { k: known, probed: false };
  const k = tf.tidy(() => {
    const first = tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    return classifier.logits(first).shape[1];
  });
  probedClassCounts.set(classifier, k);
  return { k, probed: true };
}

/** Throws {@link InvalidEpsilonError} unless ε is finite and ≥ 0 (and ≤ `max` when given). */
export function assertEpsilon(fn: string, epsilon: number, max?: number): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new InvalidEpsilonError(
      `${fn}: ε must be a finite number ≥ 0, got ${describeValue(epsilon)}. Use ε = 0 for the clean images.`,
    );
  }
  if (max !== undefined && epsilon > max) {
    throw new InvalidEpsilonError(`${fn}: ε is a probability here and must be ≤ ${max}, got ${epsilon}.`);
  }
}

/** Returns `x`, or throws {@link InvalidOptionError} unless it is a positive integer. */
export function positiveInteger(fn: string, name: string, x: number): number {
  if (!Number.isInteger(x) || x <= 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a positive integer, got ${describeValue(x)}.`,
    );
  }
  return x;
}

/** Returns `x`, or throws {@link InvalidOptionError} unless it is a finite number > 0. */
export function positiveNumber(fn: string, name: string, x: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a finite number > 0, got ${describeValue(x)}.`,
    );
  }
  return x;
}

/** Cheap structural check of an image batch (no read of the values): a live rank-4 tensor with N > 0. */
export function assertImageBatch(fn: string, images: unknown): void {
  assertNotDisposed(fn, 'images', images);
  if (!isTensor(images) || images.rank !== 4 || images.shape[0] === 0) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: images must be a rank-4 tensor [N, H, W, C] with N > 0, got ${describeValue(images)}. ` +
        'Add the batch/channel axes with tf.reshape (e.g. [N, 28, 28, 1] for grey images).',
    );
  }
}
