import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomMatrix } from './__fixtures__/reference';
import { InvalidOptionError, NonFiniteValueError, ShapeMismatchError } from './errors';
import { PAIR_RANGES, type PairRange, selectPairs } from './pairs';

function symmetric(n: number, seed: number): Float32Array {
  const r = randomMatrix(n, n, seed);
  const s = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) s[i * n + j] = i === j ? 1 : i < j ? r[i * n + j] : r[j * n + i];
  return s;
}

function reference(s: Float32Array, n: number, range: PairRange, th: number, th2: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = s[i * n + j];
      const a = Math.abs(v);
      const keep = {
        all: true,
        high: a > th,
        low: a < th,
        positive: v > th || a < th,
        negative: v < -th || a < th,
        double: a > th || a < th2,
      }[range];
      if (keep) out.push(i, j);
    }
  return out;
}

describe('selectPairs', () => {
  it('lists the i<j pairs of a hand example for each range', () => {
    const s = tf.tensor2d([
      [1, 0.9, -0.7, 0.1],
      [0.9, 1, 0.4, -0.2],
      [-0.7, 0.4, 1, 0.05],
      [0.1, -0.2, 0.05, 1],
    ]);
    const pairs = (range: PairRange, th2?: number) => Array.from(selectPairs(s, { range, th: 0.5, th2 }));
    expect(pairs('all')).toEqual([0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3]);
    expect(pairs('high')).toEqual([0, 1, 0, 2]);
    expect(pairs('low')).toEqual([0, 3, 1, 2, 1, 3, 2, 3]);
    expect(pairs('positive')).toEqual([0, 1, 0, 3, 1, 2, 1, 3, 2, 3]);
    expect(pairs('negative')).toEqual([0, 2, 0, 3, 1, 2, 1, 3, 2, 3]);
    expect(pairs('double', 0.15)).toEqual([0, 1, 0, 2, 0, 3, 2, 3]);
    s.dispose();
  });

  it('matches the loop reference on a random matrix, as an Int32Array', () => {
    const n = 60;
    const s = symmetric(n, 3);
    for (const range of PAIR_RANGES) {
      const got = selectPairs(s, { range, th: 0.4, th2: 0.1 });
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got)).toEqual(reference(s, n, range, 0.4, 0.1));
    }
    expect(selectPairs(s).length).toBe(n * (n - 1));
  });

  it('rejects bad thresholds, unknown ranges, non-square and NaN input', () => {
    const s = symmetric(4, 1);
    expect(() => selectPairs(s, { range: 'high' })).toThrow(InvalidOptionError);
    expect(() => selectPairs(s, { range: 'high', th: 1.2 })).toThrow(/open interval/);
    expect(() => selectPairs(s, { range: 'double', th: 0.3, th2: 0.3 })).toThrow(/th2 < th/);
    expect(() => selectPairs(s, { range: 'double', th: 0.3 })).toThrow(InvalidOptionError);
    expect(() => selectPairs(s, { range: 'most' as PairRange, th: 0.3 })).toThrow(/unknown range/);
    expect(() => selectPairs(new Float32Array(5))).toThrow(ShapeMismatchError);
    const bad = s.slice();
    bad[5] = Number.NaN;
    expect(() => selectPairs(bad)).toThrow(NonFiniteValueError);
  });
});
