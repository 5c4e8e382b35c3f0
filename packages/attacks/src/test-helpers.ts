import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from './random';

/** A linear softmax model `logits = flatten(x)·W + b` with its weights kept in JS for analytic answers. */
export interface LinearModel {
  w: Float64Array; // [D, K], row-major
  b: Float64Array; // [K]
  d: number;
  k: number;
  logits: (x: tf.Tensor4D) => tf.Tensor2D;
  /** Counts rows passed to `logits` (model queries). */
  rows: { count: number };
}

/** Builds a seeded linear softmax model over images with `d` values and `k` classes. */
export function linearModel(d: number, k: number, seed: number, scale = 1): LinearModel {
  const rng = new SeededRandom(seed);
  const w = new Float64Array(d * k).map(() => scale * rng.normal());
  const b = new Float64Array(k).map(() => 0.1 * rng.normal());
  const wt = tf.tensor2d(Float32Array.from(w), [d, k]);
  const bt = tf.tensor1d(Float32Array.from(b));
  tf.keep(wt);
  tf.keep(bt);
  const rows = { count: 0 };
  return {
    w,
    b,
    d,
    k,
    rows,
    logits: (x) => {
      rows.count += x.shape[0];
      return tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), wt), bt) as tf.Tensor2D);
    },
  };
}

/** Seeded images `[n, h, w, c]` uniform in `[lo, hi]`. */
export function uniformImages(shape: [number, number, number, number], lo: number, hi: number, seed: number) {
  const rng = new SeededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(rng.fillUniform(new Float32Array(size), lo, hi), shape);
}
