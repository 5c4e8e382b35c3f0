import { PACKAGE, InvalidOptionError, ShapeMismatchError } from './errors';
import { assertFiniteValues, assertNumbers, optionsOf, readSquare, type SquareMatrix } from './validate';

/** Options of {@link rsaCorrelation}. */
export interface RsaCorrelationOptions {
  /** `'pearson'` (default) or `'spearman'` (Pearson of average ranks, ties shared). */
  method?: 'pearson' | 'spearman';
}

/**
 * Representational similarity analysis: the correlation between two N×N similarity matrices over
 * their upper triangles (i < j, diagonal excluded), as in the paper's Fig. 1 (neural vs pixel
 * similarity). Computed in float64.
 *
 * @returns the correlation in [−1, 1]; NaN never: a constant triangle throws.
 */
export function rsaCorrelation(
  s1: SquareMatrix,
  s2: SquareMatrix,
  options: RsaCorrelationOptions = {},
): number {
  const fn = 'rsaCorrelation';
  const method = optionsOf(fn, options).method ?? 'pearson';
  if (method !== 'pearson' && method !== 'spearman') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: method must be 'pearson' or 'spearman', got ${String(method)}.`,
    );
  }
  const a = readSquare(fn, s1);
  const b = readSquare(fn, s2);
  if (a.n !== b.n)
    throw new ShapeMismatchError(PACKAGE, `${fn}: S1 is ${a.n}×${a.n} but S2 is ${b.n}×${b.n}.`);
  if (a.n < 3)
    throw new ShapeMismatchError(PACKAGE, `${fn}: need N ≥ 3 items (at least 3 pairs), got N = ${a.n}.`);
  let x = upperTriangle(a.values, a.n);
  let y = upperTriangle(b.values, b.n);
  if (method === 'spearman') {
    x = averageRanks(x);
    y = averageRanks(y);
  }
  const r = pearsonCorrelation(x, y);
  if (r === null) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: one matrix is constant over its upper triangle, so the correlation is undefined (0/0).`,
    );
  }
  return r;
}

/** The i<j entries of a row-major N×N matrix, row by row. */
export function upperTriangle(values: Float32Array, n: number): Float64Array {
  const fn = 'upperTriangle';
  assertNumbers(fn, 'values', values);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidOptionError(PACKAGE, `${fn}: n must be an integer ≥ 0 (the matrix size), got ${n}.`);
  }
  if (values.length !== n * n) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: an ${n}×${n} matrix needs ${n * n} values, got ${values.length}; pass n = √length.`,
    );
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = values[i * n + j];
  return out;
}

/** 1-based ranks with ties given their average rank. O(n log n) with the native numeric sort. */
export function averageRanks(v: Float64Array): Float64Array {
  assertNumbers('averageRanks', 'v', v);
  assertFiniteValues('averageRanks', 'v', v);
  const sorted = Float64Array.from(v).sort();
  const ranks = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const first = lowerBound(sorted, v[i]);
    const last = upperBound(sorted, v[i]); // exclusive
    ranks[i] = (first + 1 + last) / 2;
  }
  return ranks;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Pearson correlation of two equally long sequences, in float64.
 *
 * @returns the correlation in [−1, 1], or `null` when either sequence is constant (0/0).
 */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  assertNumbers('pearsonCorrelation', 'x', x);
  assertNumbers('pearsonCorrelation', 'y', y);
  assertFiniteValues('pearsonCorrelation', 'x', x);
  assertFiniteValues('pearsonCorrelation', 'y', y);
  if (x.length !== y.length) {
    throw new ShapeMismatchError(PACKAGE, `pearsonCorrelation: lengths differ (${x.length} vs ${y.length}).`);
  }
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}
