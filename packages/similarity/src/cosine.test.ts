import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomMatrix, refCosine } from './__fixtures__/reference';
import { InvalidOptionError, ShapeMismatchError } from './errors';
import { cosineSimilarity } from './cosine';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe('cosineSimilarity over flattened feature maps', () => {
  it('matches hand values', () => {
    const a = tf.tensor2d([
      [1, 0],
      [1, 1],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [0, 1],
      [2, 2],
      [-3, -4],
    ]);
    const c = cosineSimilarity(a, b);
    expect(maxAbsDiff(c.dataSync(), [0, 1, -1])).toBeLessThan(1e-6);
    tf.dispose([a, b, c]);
  });

  it('matches the loop reference on random [K, H, W, C] maps', () => {
    const shape = [16, 4, 3, 5];
    const av = randomMatrix(16, 60, 31);
    const bv = randomMatrix(16, 60, 32);
    const a = tf.tensor4d(av, shape as [number, number, number, number]);
    const b = tf.tensor4d(bv, shape as [number, number, number, number]);
    const c = cosineSimilarity(a, b);
    expect(c.shape).toEqual([16]);
    expect(maxAbsDiff(c.dataSync(), refCosine(av, bv, 16))).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, c]);
  });

  it('gives 0 (not NaN) for a zero map, with a finite gradient', () => {
    const a = tf.zeros([1, 3]);
    const b = tf.tensor2d([[1, 2, 3]]);
    const c = cosineSimilarity(a, b);
    expect(c.dataSync()[0]).toBe(0);
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(cosineSimilarity(x, b)))(a)
        .dataSync(),
    );
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    tf.dispose([a, b, c]);
  });

  it('has a gradient that matches finite differences', () => {
    const av = Float64Array.from(randomMatrix(2, 6, 41));
    const bv = Float64Array.from(randomMatrix(2, 6, 42));
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(cosineSimilarity(x, tf.tensor2d(Array.from(bv), [2, 6]))))(
          tf.tensor2d(Array.from(av), [2, 6]),
        )
        .dataSync(),
    );
    const f = (v: Float64Array) => refCosine(v, bv, 2).reduce((s, x) => s + x, 0);
    const h = 1e-6;
    for (let i = 0; i < av.length; i++) {
      const p = Float64Array.from(av);
      const m = Float64Array.from(av);
      p[i] += h;
      m[i] -= h;
      expect(Math.abs(g[i] - (f(p) - f(m)) / (2 * h))).toBeLessThan(1e-4);
    }
  });

  it('rejects mismatched shapes and bad eps', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => cosineSimilarity(a, b)).toThrow(ShapeMismatchError);
    expect(() => cosineSimilarity(a, a, { eps: 0 })).toThrow(InvalidOptionError);
    tf.dispose([a, b]);
  });
});
