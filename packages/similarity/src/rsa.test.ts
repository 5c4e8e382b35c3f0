import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomMatrix, refPearson, refRanks } from './__fixtures__/reference';
import { InvalidOptionError, ShapeMismatchError } from './errors';
import { averageRanks, pearsonCorrelation, rsaCorrelation, upperTriangle } from './rsa';

function symmetricFrom(tri: number[], n: number): Float32Array {
  const s = new Float32Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    s[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      s[i * n + j] = tri[k];
      s[j * n + i] = tri[k++];
    }
  }
  return s;
}

describe('rsaCorrelation', () => {
  it('correlates the upper triangles only (hand example)', () => {
    // Triangles (0.1, 0.2, 0.3) and (0.2, 0.4, 0.6): perfectly correlated; the diagonal is ignored.
    const a = symmetricFrom([0.1, 0.2, 0.3], 3);
    const b = symmetricFrom([0.2, 0.4, 0.6], 3);
    b[0] = -5; // a diagonal entry: must not matter
    expect(rsaCorrelation(a, b)).toBeCloseTo(1, 6);
    expect(rsaCorrelation(a, symmetricFrom([0.3, 0.2, 0.1], 3))).toBeCloseTo(-1, 6);
    expect(Array.from(upperTriangle(a, 3))).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3])));
  });

  it('matches the loop reference for Pearson and Spearman (with ties), tensor or array input', () => {
    const n = 30;
    const t1 = Array.from(randomMatrix(1, (n * (n - 1)) / 2, 51), (v) => Math.round(v * 10) / 10);
    const t2 = Array.from(randomMatrix(1, (n * (n - 1)) / 2, 52), (v, i) => v + 0.5 * t1[i]);
    const a = symmetricFrom(t1, n);
    const b = symmetricFrom(t2, n);
    const fa = Float32Array.from(t1);
    const fb = Float32Array.from(t2);
    expect(rsaCorrelation(a, b)).toBeCloseTo(refPearson(fa, fb), 10);
    const ta = tf.tensor2d(a, [n, n]);
    expect(rsaCorrelation(ta, b, { method: 'spearman' })).toBeCloseTo(
      refPearson(refRanks(fa), refRanks(fb)),
      10,
    );
    ta.dispose();
  });

  it('Spearman is invariant to monotone transforms', () => {
    const n = 12;
    const t = Array.from(randomMatrix(1, 66, 61));
    const a = symmetricFrom(t, n);
    const b = symmetricFrom(
      t.map((v) => Math.tanh(3 * v) ** 3),
      n,
    );
    expect(rsaCorrelation(a, b, { method: 'spearman' })).toBeCloseTo(1, 10);
  });

  it('pearsonCorrelation matches the reference and is null for a constant sequence', () => {
    const x = randomMatrix(1, 40, 71);
    const y = randomMatrix(1, 40, 72);
    expect(pearsonCorrelation(x, y)).toBeCloseTo(refPearson(x, y), 10);
    expect(pearsonCorrelation([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => pearsonCorrelation([1, 2], [1, 2, 3])).toThrow(ShapeMismatchError);
  });

  it('averageRanks shares ranks between ties', () => {
    expect(Array.from(averageRanks(Float64Array.from([3, 1, 3, 2])))).toEqual([3.5, 1, 3.5, 2]);
  });

  it('rejects size mismatch, tiny N, constant triangles and unknown methods', () => {
    const a = symmetricFrom([0.1, 0.2, 0.3], 3);
    expect(() => rsaCorrelation(a, symmetricFrom([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 4))).toThrow(
      ShapeMismatchError,
    );
    expect(() => rsaCorrelation(symmetricFrom([0.5], 2), symmetricFrom([0.5], 2))).toThrow(/N ≥ 3/);
    expect(() => rsaCorrelation(a, symmetricFrom([0.2, 0.2, 0.2], 3))).toThrow(/constant/);
    expect(() => rsaCorrelation(a, a, { method: 'kendall' as 'pearson' })).toThrow(InvalidOptionError);
  });
});
