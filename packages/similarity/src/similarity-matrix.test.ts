import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomMatrix, refSimilarity } from './__fixtures__/reference';
import { InvalidOptionError, InvalidRankError, NonFiniteValueError, ZeroVarianceError } from './errors';
import { similarityMatrix } from './similarity-matrix';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe('similarityMatrix (centred cosine)', () => {
  it('matches a hand computation', () => {
    // Rows (1,0), (0,1), (2,2): mean (1,1); centred (0,−1), (−1,0), (1,1).
    // cos(r0,r1) = 0; cos(r0,r2) = −1/√2; cos(r1,r2) = −1/√2.
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [2, 2],
    ]);
    const s = similarityMatrix(x);
    const h = -1 / Math.SQRT2;
    expect(maxAbsDiff(s.dataSync(), [1, 0, h, 0, 1, h, h, h, 1])).toBeLessThan(1e-6);
    tf.dispose([x, s]);
  });

  it('matches the loop reference on random inputs, for any block size', () => {
    for (const [n, d, seed] of [
      [7, 5, 1],
      [40, 33, 2],
      [65, 200, 3],
    ]) {
      const values = randomMatrix(n, d, seed, -3, 5);
      const ref = refSimilarity(values, n, d);
      const x = tf.tensor2d(values, [n, d]);
      for (const rowsPerBlock of [undefined, 1, 6, n + 3]) {
        const s = similarityMatrix(x, { rowsPerBlock });
        expect(s.shape).toEqual([n, n]);
        expect(maxAbsDiff(s.dataSync(), ref)).toBeLessThanOrEqual(1e-5);
        s.dispose();
      }
      x.dispose();
    }
  });

  it('is symmetric with an exact unit diagonal', () => {
    const x = tf.tensor2d(randomMatrix(20, 9, 4), [20, 9]);
    const s = similarityMatrix(x, { rowsPerBlock: 3 });
    const v = s.dataSync();
    for (let i = 0; i < 20; i++) {
      expect(v[i * 20 + i]).toBe(1);
      for (let j = 0; j < 20; j++) expect(Math.abs(v[i * 20 + j] - v[j * 20 + i])).toBeLessThan(1e-6);
    }
    tf.dispose([x, s]);
  });

  it('throws ZeroVarianceError for a row equal to the mean, or gives it 0 with zeroVariance: zero', () => {
    // Row 1 is the mean of rows 0 and 2, so it is zero after centring.
    const x = tf.tensor2d([
      [1, 2, 3],
      [2, 2, 2],
      [3, 2, 1],
    ]);
    let caught: unknown;
    try {
      similarityMatrix(x);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ZeroVarianceError);
    expect((caught as ZeroVarianceError).rows).toEqual([1]);
    expect((caught as ZeroVarianceError).code).toBe('ZERO_VARIANCE');
    expect((caught as Error).message).toMatch(/zeroVariance: 'zero'/);

    const s = similarityMatrix(x, { zeroVariance: 'zero' });
    expect(maxAbsDiff(s.dataSync(), [1, 0, -1, 0, 1, 0, -1, 0, 1])).toBeLessThan(1e-6);
    tf.dispose([x, s]);
  });

  it('treats all-identical items as zero variance (not as float noise)', () => {
    const x = tf.tensor2d(new Float32Array(4 * 3).fill(0.1), [4, 3]);
    expect(() => similarityMatrix(x)).toThrow(ZeroVarianceError);
    x.dispose();
  });

  it('rejects NaN, wrong rank and bad options with typed errors', () => {
    const nan = tf.tensor2d([
      [1, Number.NaN],
      [0, 1],
    ]);
    expect(() => similarityMatrix(nan)).toThrow(NonFiniteValueError);
    expect(() => similarityMatrix(nan)).toThrow(/NaN at flat index 1/);
    const r3 = tf.zeros([2, 2, 2]);
    expect(() => similarityMatrix(r3 as tf.Tensor2D)).toThrow(InvalidRankError);
    const ok = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    expect(() => similarityMatrix(ok, { rowsPerBlock: 0 })).toThrow(InvalidOptionError);
    expect(() => similarityMatrix(ok, { zeroVariance: 'nan' as 'zero' })).toThrow(InvalidOptionError);
    tf.dispose([nan, r3, ok]);
  });
});
