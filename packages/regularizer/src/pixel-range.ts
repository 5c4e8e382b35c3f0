import { runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, NonFiniteValueError, PixelRangeError } from './errors';

/**
 * Slack allowed around [0, 1] for float pixels (rounding of resampled or augmented images). Values
 * beyond it are an error, not clamped: 0..255 floats must be divided by 255 by the caller.
 */
export const PIXEL_TOLERANCE = 1e-3;

function rangeError(
  fn: string,
  what: string,
  min: number,
  max: number,
  expected: readonly [number, number],
): PixelRangeError {
  const fix =
    expected[1] === 1
      ? min >= -PIXEL_TOLERANCE && max <= 255
        ? 'They look like 0..255 pixels: divide them by 255, or pass them as a Uint8Array or an int32 tensor, which are scaled by 1/255 here.'
        : 'Scale them into [0, 1] (the trainer applies the input scaling itself; do not pass already-scaled inputs).'
      : 'Pass 0..255 pixels, or floats in [0, 1] as a float32 tensor.';
  return new PixelRangeError(
    what,
    min,
    max,
    expected,
    `${fn}: ${what} span [${min}, ${max}], outside [${expected[0]}, ${expected[1]}]. ${fix}`,
  );
}

/**
 * Checks float pixels of a typed array in one pass: finite, and inside [0, 1] up to
 * {@link PIXEL_TOLERANCE}. Throws {@link NonFiniteValueError} or {@link PixelRangeError}.
 */
export function assertUnitPixels(fn: string, what: string, px: Float32Array | Float64Array): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteValueError(
        PACKAGE,
        `${fn}: ${what} contains ${v} at flat index ${i}; clean the data before training.`,
      );
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min < -PIXEL_TOLERANCE || max > 1 + PIXEL_TOLERANCE) throw rangeError(fn, what, min, max, [0, 1]);
}

/**
 * Checks the pixels of an image tensor with one synchronous read: `float32` must be finite and in
 * [0, 1] (up to {@link PIXEL_TOLERANCE}), `int32` in [0, 255]. Allocates nothing that outlives the call.
 */
export function assertTensorPixels(fn: string, what: string, t: tf.Tensor): void {
  runReadsSync(tensorPixelsReads(fn, what, t));
}

/** {@link assertTensorPixels} as a `TensorReads` computation (one read, by the driver that runs it). */
export function* tensorPixelsReads(fn: string, what: string, t: tf.Tensor): TensorReads<void> {
  const stats = tf.tidy(() => {
    const f = tf.cast(t, 'float32');
    return tf.stack([tf.min(f), tf.max(f), tf.cast(tf.all(tf.isFinite(f)), 'float32')]);
  });
  let min: number;
  let max: number;
  let finite: number;
  try {
    [min, max, finite] = yield stats;
  } finally {
    stats.dispose();
  }
  if (finite !== 1) {
    throw new NonFiniteValueError(
      PACKAGE,
      `${fn}: ${what} contain NaN or ±Infinity; clean the data before training.`,
    );
  }
  const expected: readonly [number, number] = t.dtype === 'int32' ? [0, 255] : [0, 1];
  const tol = t.dtype === 'int32' ? 0 : PIXEL_TOLERANCE;
  if (min < expected[0] - tol || max > expected[1] + tol) throw rangeError(fn, what, min, max, expected);
}
