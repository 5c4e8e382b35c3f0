import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomMatrix, refAtanhLoss } from './__fixtures__/reference';
import { InvalidOptionError, ShapeMismatchError } from './errors';
import { atanhSquaredLoss, mseLoss } from './losses';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

/** Central differences of a float64 function, one coordinate at a time. */
function numericGradient(f: (v: Float64Array) => number, at: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const plus = Float64Array.from(at);
    const minus = Float64Array.from(at);
    plus[i] += h;
    minus[i] -= h;
    g[i] = (f(plus) - f(minus)) / (2 * h);
  }
  return g;
}

describe('atanhSquaredLoss', () => {
  it('matches hand values in reference and half scaling', () => {
    // One pair: x = 0.5, y = 0 → log-space difference log(1.5) − log(0.5) = log 3 (ε = 0 limit).
    const x = tf.tensor1d([0.5]);
    const y = tf.tensor1d([0]);
    const ref = atanhSquaredLoss(x, y, { eps: 1e-12 });
    const half = atanhSquaredLoss(x, y, { eps: 1e-12, scale: 'half' });
    expect(ref.dataSync()[0]).toBeCloseTo(Math.log(3) ** 2, 5);
    expect(half.dataSync()[0]).toBeCloseTo(Math.atanh(0.5) ** 2, 6);
    tf.dispose([x, y, ref, half]);
  });

  it('maps a target of ±1 to about ±12.2 in log space (ε inside the logs, not a clip)', () => {
    const x = tf.tensor1d([0]);
    const y = tf.tensor1d([1]);
    const loss = atanhSquaredLoss(x, y);
    // log(2 + 1e-5) − log(1e-5) = 12.206...
    expect(Math.sqrt(loss.dataSync()[0])).toBeCloseTo(Math.log(2 + 1e-5) - Math.log(1e-5), 3);
    tf.dispose([x, y, loss]);
  });

  it('matches the loop reference on random pairs, averaged over pairs', () => {
    const xv = randomMatrix(1, 50, 7, -0.99, 0.99);
    const yv = Float32Array.from(randomMatrix(1, 50, 8), (v) => (v > 0.3 ? 1 : v < -0.3 ? -1 : 0));
    const x = tf.tensor1d(xv);
    const y = tf.tensor1d(yv);
    const loss = atanhSquaredLoss(x, y);
    const want = refAtanhLoss(xv, yv);
    expect(Math.abs(loss.dataSync()[0] - want) / want).toBeLessThan(1e-5);
    const half = atanhSquaredLoss(x, y, { scale: 'half' });
    expect(Math.abs(half.dataSync()[0] - want / 4) / want).toBeLessThan(1e-5);
    tf.dispose([x, y, loss, half]);
  });

  it('has gradients that match finite differences in both arguments', () => {
    const xv = Float64Array.from(randomMatrix(1, 8, 21, -0.9, 0.9));
    const yv = Float64Array.from(randomMatrix(1, 8, 22, -0.9, 0.9));
    const [gx, gy] = tf.tidy(() => {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => atanhSquaredLoss(a, b));
      return grads([tf.tensor1d(Array.from(xv)), tf.tensor1d(Array.from(yv))]).map((g) => g.dataSync());
    });
    const wantX = numericGradient((v) => refAtanhLoss(v, yv), xv);
    const wantY = numericGradient((v) => refAtanhLoss(xv, v), yv);
    const scale = Math.max(...wantX.map(Math.abs));
    expect(maxAbsDiff(gx, wantX) / scale).toBeLessThan(1e-3);
    expect(maxAbsDiff(gy, wantY) / scale).toBeLessThan(1e-3);
  });

  it('rejects mismatched shapes, empty input and bad options', () => {
    const a = tf.zeros([3]);
    const b = tf.zeros([4]);
    const e = tf.zeros([0]);
    expect(() => atanhSquaredLoss(a, b)).toThrow(ShapeMismatchError);
    expect(() => atanhSquaredLoss(e, e)).toThrow(/is empty/);
    expect(() => atanhSquaredLoss(a, a, { eps: 0 })).toThrow(InvalidOptionError);
    expect(() => atanhSquaredLoss(a, a, { scale: 'double' as 'half' })).toThrow(InvalidOptionError);
    expect(() => mseLoss(a, b)).toThrow(ShapeMismatchError);
    tf.dispose([a, b, e]);
  });
});

describe('mseLoss', () => {
  it('is the mean squared difference, with the analytic gradient', () => {
    const x = tf.tensor1d([0.5, -0.5, 0]);
    const y = tf.tensor1d([1, 0, 0]);
    const loss = mseLoss(x, y);
    expect(loss.dataSync()[0]).toBeCloseTo((0.25 + 0.25) / 3, 6);
    const g = tf.tidy(() =>
      tf
        .grad((a: tf.Tensor) => mseLoss(a, y))(x)
        .dataSync(),
    );
    expect(maxAbsDiff(g, [(2 * -0.5) / 3, (2 * -0.5) / 3, 0])).toBeLessThan(1e-6);
    tf.dispose([x, y, loss]);
  });
});
