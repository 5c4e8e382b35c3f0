import type { SeededRandom } from '../random';
import {
  bilinear,
  clip01,
  gaussianWeights,
  type ImageSize,
  reflect101,
  reflectSymmetric,
  separableFilter,
} from './image-ops';

/** A 2×3 affine map `[a, b, c, d, e, f]`: `(x, y) ↦ (a·x + b·y + c, d·x + e·y + f)`. */
export type Affine = readonly [number, number, number, number, number, number];

/** The affine map taking the three points `from[k]` to `to[k]` (`[x, y]` each; as OpenCV's `getAffineTransform`). */
export function affineFromPoints(
  from: readonly (readonly [number, number])[],
  to: readonly (readonly [number, number])[],
): Affine {
  const [[x0, y0], [x1, y1], [x2, y2]] = from;
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  // Solves [x y 1]·[p q r]ᵀ = target for each output coordinate (Cramer's rule).
  const solve = (t0: number, t1: number, t2: number): [number, number, number] => [
    (t0 * (y1 - y2) - y0 * (t1 - t2) + (t1 * y2 - t2 * y1)) / det,
    (x0 * (t1 - t2) - t0 * (x1 - x2) + (x1 * t2 - x2 * t1)) / det,
    (x0 * (y1 * t2 - y2 * t1) - y0 * (x1 * t2 - x2 * t1) + t0 * (x1 * y2 - x2 * y1)) / det,
  ];
  const [a, b, c] = solve(to[0][0], to[1][0], to[2][0]);
  const [d, e, f] = solve(to[0][1], to[1][1], to[2][1]);
  return [a, b, c, d, e, f];
}

/**
 * `dst(p) = src(M⁻¹·p)` with bilinear sampling and reflect-101 borders (OpenCV's `warpAffine` with its
 * defaults; OpenCV also rounds sample positions to 1/32 pixel, which this does not).
 */
export function warpAffine(src: ArrayLike<number>, size: ImageSize, m: Affine): Float64Array {
  const { h, w, c } = size;
  const [a, b, tx, d, e, ty] = m;
  const det = a * e - b * d;
  const out = new Float64Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x - tx;
      const v = y - ty;
      const sx = (e * u - b * v) / det;
      const sy = (-d * u + a * v) / det;
      for (let ch = 0; ch < c; ch++) out[(y * w + x) * c + ch] = bilinear(src, size, sy, sx, ch, reflect101);
    }
  }
  return out;
}

/** `alpha · gaussian(U(−1, 1) field, σ)`, SciPy-style (`'reflect'` borders, truncated at 3σ). */
function displacement(h: number, w: number, alpha: number, sigma: number, rng: SeededRandom): Float64Array {
  let field: Float64Array = new Float64Array(h * w);
  for (let i = 0; i < field.length; i++) field[i] = 2 * rng.uniform() - 1;
  if (sigma > 0) {
    const radius = Math.floor(3 * sigma + 0.5);
    field = separableFilter(field, h, w, gaussianWeights(sigma, radius), reflectSymmetric);
  }
  for (let i = 0; i < field.length; i++) field[i] *= alpha;
  return field;
}

/**
 * Elastic transform of CIFAR-10-C: a random affine map (three points around the centre, at ± ⌊side/3⌋,
 * each coordinate moved by U(−affine, affine)), then a smooth random displacement (two U(−1, 1) fields
 * blurred with σ = `sigma` and scaled by `alpha`) sampled bilinearly with mirrored borders. `params` are
 * `[alpha, sigma, affine]` in pixels. Draws: 6 uniforms for the points, then `h·w` for x, `h·w` for y.
 */
export function elasticImage(
  src: Float32Array,
  dst: Float32Array,
  size: ImageSize,
  params: readonly [number, number, number],
  rng: SeededRandom,
): void {
  const { h, w, c } = size;
  const [alpha, sigma, jitter] = params;
  const cx = Math.floor(w / 2);
  const cy = Math.floor(h / 2);
  const s = Math.floor(Math.min(h, w) / 3);
  const from: [number, number][] = [
    [cx + s, cy + s],
    [cx + s, cy - s],
    [cx - s, cy - s],
  ];
  const to = from.map(([x, y]): [number, number] => [
    x + jitter * (2 * rng.uniform() - 1),
    y + jitter * (2 * rng.uniform() - 1),
  ]);
  const warped = warpAffine(src, size, affineFromPoints(from, to));
  const dx = displacement(h, w, alpha, sigma, rng);
  const dy = displacement(h, w, alpha, sigma, rng);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      for (let ch = 0; ch < c; ch++) {
        dst[p * c + ch] = clip01(bilinear(warped, size, y + dy[p], x + dx[p], ch, reflectSymmetric));
      }
    }
  }
}
