// Straightforward float64 loop implementations that the tensor code is checked against.
import { mulberry32 } from '@pixsim/core';

export function randomMatrix(rows: number, cols: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** Centred cosine similarity of the rows of an [n, d] row-major matrix. */
export function refSimilarity(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += x[i * d + k] / n;
  const c = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const v = x[i * d + k] - mean[k];
      c[i * d + k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) c[i * d + k] /= norm;
  }
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += c[i * d + k] * c[j * d + k];
      s[i * n + j] = dot;
    }
  return s;
}

/** The reference loss `(log(1+x+ε) − log(1−x+ε) − log(1+y+ε) + log(1−y+ε))²`, mean over pairs. */
export function refAtanhLoss(x: ArrayLike<number>, y: ArrayLike<number>, eps = 1e-5): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d =
      Math.log(1 + x[i] + eps) -
      Math.log(1 - x[i] + eps) -
      Math.log(1 + y[i] + eps) +
      Math.log(1 - y[i] + eps);
    sum += d * d;
  }
  return sum / x.length;
}

export function refCosine(a: ArrayLike<number>, b: ArrayLike<number>, k: number, eps = 1e-8): Float64Array {
  const d = a.length / k;
  const out = new Float64Array(k);
  for (let p = 0; p < k; p++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let q = 0; q < d; q++) {
      dot += a[p * d + q] * b[p * d + q];
      na += a[p * d + q] ** 2;
      nb += b[p * d + q] ** 2;
    }
    out[p] = dot / (Math.max(Math.sqrt(na), eps) * Math.max(Math.sqrt(nb), eps));
  }
  return out;
}

/** O(n²) average ranks, 1-based. */
export function refRanks(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let less = 0;
    let equal = 0;
    for (let j = 0; j < v.length; j++) {
      if (v[j] < v[i]) less++;
      else if (v[j] === v[i]) equal++;
    }
    out[i] = less + (equal + 1) / 2;
  }
  return out;
}

export function refPearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
