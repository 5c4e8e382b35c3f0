import * as tf from '@tensorflow/tfjs-core';
import {
  PACKAGE,
  InvalidInputError,
  InvalidOptionError,
  InvalidRankError,
  NonFiniteValueError,
  ShapeMismatchError,
} from './errors';
import { type TensorReads, describeValue, runReadsSync } from '@pixsim/core';

/** A square N×N similarity matrix, as a tensor or as a row-major `Float32Array` of length N². */
export type SquareMatrix = tf.Tensor2D | Float32Array;

/** Throws {@link InvalidRankError} unless `t` has the given rank. */
export function assertRank(fn: string, name: string, t: tf.Tensor, rank: number, expected: string): void {
  if (t.rank !== rank) {
    throw new InvalidRankError(
      `${fn}: ${name} must be a rank-${rank} tensor ${expected}, got shape [${t.shape.join(', ')}]. ` +
        'Reshape it before calling.',
    );
  }
}

/** Throws {@link NonFiniteValueError} if any value is NaN or ±Infinity (one synchronous read). */
export function assertFiniteValues(fn: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteValueError(
        PACKAGE,
        `${fn}: ${name} contains ${v} at flat index ${i}; similarities of non-finite values are undefined. ` +
          'Clean or drop the offending items first.',
      );
    }
  }
}

/** Throws {@link NonFiniteValueError} if tensor `t` holds NaN or ±Infinity. */
export function assertFiniteTensor(fn: string, name: string, t: tf.Tensor): void {
  runReadsSync(finiteTensorReads(fn, name, t));
}

/** {@link assertFiniteTensor} as a {@link TensorReads} computation (one read; a second one names the index). */
export function* finiteTensorReads(fn: string, name: string, t: tf.Tensor): TensorReads<void> {
  const flag = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))));
  let bad: number;
  try {
    bad = (yield flag)[0];
  } finally {
    flag.dispose();
  }
  if (bad) assertFiniteValues(fn, name, yield t);
}

/** Throws {@link InvalidOptionError} unless `th` lies strictly inside (0, 1). */
export function assertThreshold(fn: string, name: string, th: number): void {
  if (typeof th !== 'number' || !(th > 0 && th < 1)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a number in the open interval (0, 1), got ${th}.`,
    );
  }
}

/** Reads a square matrix as `{ values, n }`, checking that it is square and finite. */
export function readSquare(fn: string, s: SquareMatrix): { values: Float32Array; n: number } {
  return runReadsSync(squareReads(fn, s));
}

/** {@link readSquare} as a {@link TensorReads} computation. */
export function* squareReads(fn: string, s: SquareMatrix): TensorReads<{ values: Float32Array; n: number }> {
  let values: Float32Array;
  let n: number;
  if (s instanceof Float32Array) {
    n = Math.round(Math.sqrt(s.length));
    if (n * n !== s.length) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: a Float32Array similarity matrix must hold N×N values, got length ${s.length} (not a square).`,
      );
    }
    values = s;
  } else {
    assertTensorInput(fn, 'S', s);
    assertRank(fn, 'S', s, 2, '[N, N]');
    if (s.shape[0] !== s.shape[1]) {
      throw new ShapeMismatchError(PACKAGE, `${fn}: S must be square [N, N], got [${s.shape.join(', ')}].`);
    }
    n = s.shape[0];
    values = (yield s) as Float32Array;
  }
  assertFiniteValues(fn, 'S', values);
  return { values, n };
}

/** Throws {@link InvalidInputError} unless `x` is a live tensor with at least one value. */
export function assertTensorInput(fn: string, name: string, x: unknown): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${name} must be a tf.Tensor, got ${describeValue(x)}; convert it with tf.tensor().`,
      { parameter: name },
    );
  }
  if (x.isDisposed) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${name} was disposed; pass a live tensor (clone it before disposing).`,
      { parameter: name },
    );
  }
  if (x.size === 0) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${name} is empty (shape [${x.shape.join(', ')}]); pass at least one item.`,
      { parameter: name },
    );
  }
}

/** Throws {@link InvalidInputError} unless `x` is an array or typed array of numbers. */
export function assertNumbers(fn: string, name: string, x: unknown): asserts x is ArrayLike<number> {
  const ok =
    (ArrayBuffer.isView(x) && !(x instanceof DataView)) ||
    (Array.isArray(x) && x.every((v) => typeof v === 'number'));
  if (!ok) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: ${name} must be an array or typed array of numbers, got ${describeValue(x)}.`,
      { parameter: name },
    );
  }
}

/** The options object, `{}` for null/undefined; throws {@link InvalidOptionError} for a non-object. */
export function optionsOf<T extends object>(fn: string, options: T | null | undefined): Partial<T> {
  if (options == null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: options must be an object, got ${describeValue(options)}.`);
  }
  return options;
}

/** Throws {@link NonFiniteValueError} unless every value of `t` lies in [lo, hi] (NaN fails). */
export function assertTensorRange(
  fn: string,
  name: string,
  t: tf.Tensor,
  lo: number,
  hi: number,
  fix: string,
): void {
  runReadsSync(tensorRangeReads(fn, name, t, lo, hi, fix));
}

/** {@link assertTensorRange} as a {@link TensorReads} computation (one read of `[min, max]`). */
export function* tensorRangeReads(
  fn: string,
  name: string,
  t: tf.Tensor,
  lo: number,
  hi: number,
  fix: string,
): TensorReads<void> {
  const range = tf.tidy(() => {
    const f = tf.cast(t, 'float32');
    // NaN propagates through sum, not always through min/max.
    return tf.stack([tf.add(tf.min(f), tf.mul(tf.sum(f), 0)), tf.add(tf.max(f), tf.mul(tf.sum(f), 0))]);
  });
  let low: number;
  let high: number;
  try {
    [low, high] = yield range;
  } finally {
    range.dispose();
  }
  if (!(low >= lo && high <= hi)) {
    throw new NonFiniteValueError(
      PACKAGE,
      `${fn}: ${name} spans [${low}, ${high}], outside [${lo}, ${hi}] (or holds NaN); ${fix}`,
    );
  }
}
