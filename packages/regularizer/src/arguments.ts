import { describeValue, isNumberList, isOptionsObject, isTensor, modelFault } from '@pixsim/core';
import { runReadsSync, type TensorReads } from '@pixsim/similarity';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  PACKAGE,
  InvalidInputError,
  invalidLabelsError,
  InvalidOptionError,
  NonFiniteValueError,
  ShapeMismatchError,
} from './errors';
import type { TaskLoss } from './train-step';

/** Throws {@link InvalidInputError} unless `x` is a live (not disposed) tensor. */
export function assertLiveTensor(
  fn: string,
  parameter: string,
  x: unknown,
  expected: string,
): asserts x is tf.Tensor {
  if (!isTensor(x)) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${parameter} must be a tf.Tensor ${expected}, got ${describeValue(x)}.`,
      { parameter },
    );
  }
  if (x.isDisposed) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${parameter} was disposed; pass a live tensor (clone it before disposing the original).`,
      { parameter },
    );
  }
}

/**
 * Throws {@link InvalidInputError} unless `images` is a live `[N ≥ 1, H, W, C]` tensor that fits the
 * model input `inputShape` (`[null, H, W, C]`, null = any): same channels, and with `spatial` the same H, W.
 */
export function assertImageBatch(
  fn: string,
  parameter: string,
  images: unknown,
  inputShape: readonly (number | null)[],
  spatial: boolean,
): asserts images is tf.Tensor4D {
  assertLiveTensor(fn, parameter, images, '[N, H, W, C]');
  const shape = images.shape;
  const wanted = `[N, ${inputShape
    .slice(1)
    .map((d) => d ?? '?')
    .join(', ')}]`;
  if (images.rank !== inputShape.length) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${parameter} has shape [${shape.join(', ')}] but the model takes ${wanted}; reshape the images ` +
        '(add the channel axis for grey images).',
      { parameter },
    );
  }
  if (shape[0] === 0) {
    throw new InvalidInputError(PACKAGE, `${fn}: ${parameter} holds no image (N = 0); pass at least one.`, {
      parameter,
    });
  }
  for (let d = spatial ? 1 : inputShape.length - 1; d < inputShape.length; d++) {
    const want = inputShape[d];
    if (want != null && shape[d] !== want) {
      throw new InvalidInputError(
        PACKAGE,
        `${fn}: ${parameter} has shape [${shape.join(', ')}] but the model takes ${wanted}; ` +
          (d === inputShape.length - 1
            ? 'convert the images to the channel count the model was built for.'
            : 'resize or crop the images to the model input size.'),
        { parameter },
      );
    }
  }
}

/** Throws {@link InvalidInputError} unless `model` is a tf.LayersModel that has not been disposed. */
export function assertLiveModel(
  fn: string,
  parameter: string,
  model: unknown,
): asserts model is tfl.LayersModel {
  const fault = modelFault(model);
  if (fault === 'not-a-model') {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${parameter} must be a tf.LayersModel, got ${describeValue(model)}.`,
      { parameter },
    );
  }
  if (fault === 'disposed') {
    throw new InvalidInputError(PACKAGE, `${fn}: ${parameter} was disposed; build or load the model again.`, {
      parameter,
    });
  }
}

/**
 * Reads `n` class labels (a `[n]` tensor or an array) into an `Int32Array`, throwing
 * {@link InvalidLabelsError} for a label that is not an integer in `[0, classes)`.
 */
export function readLabels(fn: string, labels: unknown, n: number, classes: number): Int32Array {
  return runReadsSync(labelsReads(fn, labels, n, classes));
}

/** {@link readLabels} as a `TensorReads` computation (a tensor is read by the driver that runs it). */
export function* labelsReads(
  fn: string,
  labels: unknown,
  n: number,
  classes: number,
): TensorReads<Int32Array> {
  let values: ArrayLike<number>;
  if (isTensor(labels)) {
    assertLiveTensor(fn, 'labels', labels, '[B] of class indices');
    if (labels.rank !== 1) {
      throw new InvalidInputError(
        PACKAGE,
        `${fn}: labels must be [B] class indices, got shape [${labels.shape.join(', ')}]; convert one-hot ` +
          'rows with tf.argMax(labels, 1).',
        { parameter: 'labels' },
      );
    }
    values = yield labels;
  } else if (Array.isArray(labels) || ArrayBuffer.isView(labels)) {
    values = labels as ArrayLike<number>;
  } else {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: labels must be a [B] tensor or an array of class indices, got ${describeValue(labels)}.`,
      { parameter: 'labels' },
    );
  }
  if (values.length !== n) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: ${n} inputs but ${values.length} labels; give one label per image.`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= classes) {
      throw invalidLabelsError(fn, i, v as number, classes);
    }
    out[i] = v;
  }
  return out;
}

/** Reads `k` similarity targets (a tensor or an array), each finite and in [−1, 1]. */
export function readTargets(fn: string, targets: unknown, k: number): Float32Array {
  return runReadsSync(targetsReads(fn, targets, k));
}

/** {@link readTargets} as a `TensorReads` computation (a tensor is read by the driver that runs it). */
export function* targetsReads(fn: string, targets: unknown, k: number): TensorReads<Float32Array> {
  let values: ArrayLike<number>;
  if (isTensor(targets)) {
    assertLiveTensor(fn, 'targets', targets, '[k]');
    values = yield targets;
  } else if (Array.isArray(targets) || ArrayBuffer.isView(targets)) {
    values = targets as ArrayLike<number>;
  } else {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: targets must be a [k] tensor or an array of numbers, got ${describeValue(targets)}.`,
    );
  }
  if (values.length !== k) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: ${k} pairs but ${values.length} targets; give one target per pair.`,
    );
  }
  const out = new Float32Array(k);
  for (let p = 0; p < k; p++) {
    const y = values[p];
    if (!(typeof y === 'number' && y >= -1 && y <= 1)) {
      throw new NonFiniteValueError(
        PACKAGE,
        `${fn}: target ${p} is ${y}; similarity targets must be finite and in [−1, 1].`,
      );
    }
    out[p] = y;
  }
  return out;
}

/**
 * Returns `options`, or `{}` when it is undefined; throws {@link InvalidOptionError} when it is anything
 * but an object (null, a number, an array…).
 */
export function readOptions<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (!isOptionsObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object (or left out for the defaults), got ${describeValue(options)}.`,
    );
  }
  return options;
}

/** Throws {@link InvalidInputError} unless `x` is an array or typed array of numbers. */
export function assertNumberList(fn: string, parameter: string, x: unknown): asserts x is ArrayLike<number> {
  if (!isNumberList(x)) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${parameter} must be an array or typed array of numbers, got ${describeValue(x)}.`,
      { parameter },
    );
  }
}

/**
 * Throws unless `pairs` is an `Int32Array` of even length `[i0, j0, i1, j1, …]` whose indices lie in
 * `[0, n)`: {@link InvalidInputError} for the type or an odd length, {@link ShapeMismatchError} for an
 * index outside the `n` images.
 */
export function assertPairList(fn: string, pairs: unknown, n: number): asserts pairs is Int32Array {
  if (!(pairs instanceof Int32Array) || pairs.length % 2 !== 0) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: pairs must be an Int32Array of even length [i0, j0, i1, j1, …] (from selectPairs or ` +
        `targets.pairs), got ${pairs instanceof Int32Array ? `length ${pairs.length}` : describeValue(pairs)}.`,
      { parameter: 'pairs' },
    );
  }
  for (let p = 0; p < pairs.length; p++) {
    const i = pairs[p];
    if (i < 0 || i >= n) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: pair index ${i} (entry ${p}) is outside the ${n} regularization images; pass pairs ` +
          'selected for these targets (e.g. targets.pairs).',
      );
    }
  }
}

/** Throws {@link InvalidInputError} unless `targets` looks like {@link PairTargets}: `n`, an n×n matrix and pairs. */
export function assertPairTargets(fn: string, targets: unknown): void {
  const t = targets as { n?: unknown; matrix?: unknown; pairs?: unknown } | null;
  const n = t?.n;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof n !== 'number' ||
    !Number.isInteger(n) ||
    n < 1 ||
    !(t.matrix instanceof Float32Array) ||
    t.matrix.length !== n * n ||
    !(t.pairs instanceof Int32Array)
  ) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: targets must come from a targets function (thresholdedPixelTargets, matrixTargets, …): ` +
        `{ n, matrix: Float32Array(n·n), pairs }, got ${describeValue(targets)}.`,
      { parameter: 'targets' },
    );
  }
}

/** Throws {@link InvalidLabelsError} for a label outside `[0, classes)` of the model's `[B, classes]` output. */
export function assertLabelRange(
  fn: string,
  model: tfl.LayersModel,
  taskLoss: TaskLoss,
  labels: ArrayLike<number>,
): void {
  const shape = model.outputs[0]?.shape;
  const classes = typeof taskLoss !== 'function' && shape?.length === 2 ? shape[1] : null;
  if (classes == null) return;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw invalidLabelsError(fn, i, v, classes);
  }
}
