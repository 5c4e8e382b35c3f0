// Pixel helpers of the corruptions. One image is a row-major `[H, W, C]` array of values in [0, 1]; all
// arithmetic is in float64 (the results are rounded to float32 once, when stored).

/** The size of one image, `[H, W, C]`. */
export interface ImageSize {
  h: number;
  w: number;
  c: number;
}

/** `min(max(v, 0), 1)`. */
export function clip01(v: number): number {
  return Math.min(Math.max(v, 0), 1);
}

/** Index `i` folded into `[0, n)` mirroring without repeating the edge (OpenCV's BORDER_REFLECT_101: cb|abc|ba). */
export function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** Index `i` folded into `[0, n)` mirroring with the edge repeated (SciPy's `'reflect'`: ba|abc|cb). */
export function reflectSymmetric(i: number, n: number): number {
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - 1 - k;
}

/** Index `i` clamped into `[0, n)` (the edge pixel repeats). */
export function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Normalised Gaussian weights `exp(−k²/2σ²)` for `k = −radius … radius`. */
export function gaussianWeights(sigma: number, radius: number): Float64Array {
  const out = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const v = Math.exp((-k * k) / (2 * sigma * sigma));
    out[k + radius] = v;
    sum += v;
  }
  for (let k = 0; k < out.length; k++) out[k] /= sum;
  return out;
}

/**
 * Separable correlation of a single-channel `[h, w]` plane with `weights` (odd length, centred) along both
 * axes; `fold` maps an out-of-range index into the plane.
 */
export function separableFilter(
  plane: Float64Array,
  h: number,
  w: number,
  weights: Float64Array,
  fold: (i: number, n: number) => number,
): Float64Array {
  const r = (weights.length - 1) / 2;
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += weights[k + r] * plane[y * w + fold(x + k, w)];
      tmp[y * w + x] = s;
    }
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += weights[k + r] * tmp[fold(y + k, h) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/**
 * Bilinear sample of channel `ch` of an `[H, W, C]` image at the real position `(y, x)`; the two
 * neighbours of each axis are folded into the image by `fold`.
 */
export function bilinear(
  src: ArrayLike<number>,
  size: ImageSize,
  y: number,
  x: number,
  ch: number,
  fold: (i: number, n: number) => number,
): number {
  const { h, w, c } = size;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const ya = fold(y0, h);
  const yb = fold(y0 + 1, h);
  const xa = fold(x0, w);
  const xb = fold(x0 + 1, w);
  const top = (1 - fx) * src[(ya * w + xa) * c + ch] + fx * src[(ya * w + xb) * c + ch];
  const bottom = (1 - fx) * src[(yb * w + xa) * c + ch] + fx * src[(yb * w + xb) * c + ch];
  return (1 - fy) * top + fy * bottom;
}

/** Python's `round` (ties to even), which NumPy/SciPy use for output sizes. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
