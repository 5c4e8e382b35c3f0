import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError, InvalidRankError, NonFiniteValueError, ShapeMismatchError } from './errors';

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
        `${fn}: ${name} contains ${v} at flat index ${i}; similarities of non-finite values are undefined. ` +
          'Clean or drop the offending items first.',
      );
    }
  }
}

/** Throws {@link NonFiniteValueError} if tensor `t` holds NaN or ±Infinity. */
export function assertFiniteTensor(fn: string, name: string, t: tf.Tensor): void {
  const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))).dataSync()[0]);
  if (bad) {
    assertFiniteValues(fn, name, t.dataSync());
  }
}

/** Throws {@link InvalidOptionError} unless `th` lies strictly inside (0, 1). */
export function assertThreshold(fn: string, name: string, th: number): void {
  if (typeof th !== 'number' || !(th > 0 && th < 1)) {
    throw new InvalidOptionError(`${fn}: ${name} must be a number in the open interval (0, 1), got ${th}.`);
  }
}

/** Reads a square matrix as `{ values, n }`, checking that it is square and finite. */
export function readSquare(fn: string, s: SquareMatrix): { values: Float32Array; n: number } {
  let values: Float32Array;
  let n: number;
  if (s instanceof Float32Array) {
    n = Math.round(Math.sqrt(s.length));
    if (n * n !== s.length) {
      throw new ShapeMismatchError(
        `${fn}: a Float32Array similarity matrix must hold N×N values, got length ${s.length} (not a square).`,
      );
    }
    values = s;
  } else {
    assertRank(fn, 'S', s, 2, '[N, N]');
    if (s.shape[0] !== s.shape[1]) {
      throw new ShapeMismatchError(`${fn}: S must be square [N, N], got [${s.shape.join(', ')}].`);
    }
    n = s.shape[0];
    values = s.dataSync() as Float32Array;
  }
  assertFiniteValues(fn, 'S', values);
  return { values, n };
}
