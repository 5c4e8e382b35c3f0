import type { SeededRandom } from '../random';
import { clip01 } from './image-ops';

/** Gaussian noise: `clip(x + N(0, σ²), 0, 1)` for every value. */
export function gaussianNoiseImage(
  src: Float32Array,
  dst: Float32Array,
  sigma: number,
  rng: SeededRandom,
): void {
  for (let i = 0; i < src.length; i++) dst[i] = clip01(src[i] + sigma * rng.normal());
}

/** Shot (Poisson) noise: `clip(Poisson(λ·x) / λ, 0, 1)` for every value. */
export function shotNoiseImage(
  src: Float32Array,
  dst: Float32Array,
  lambda: number,
  rng: SeededRandom,
): void {
  for (let i = 0; i < src.length; i++) dst[i] = clip01(poisson(src[i] * lambda, rng) / lambda);
}

/**
 * Impulse (salt-and-pepper) noise: each value becomes 0 or 1 (equal odds) with probability `amount`, as
 * scikit-image's `random_noise(mode='s&p')` does per element.
 */
export function impulseNoiseImage(
  src: Float32Array,
  dst: Float32Array,
  amount: number,
  rng: SeededRandom,
): void {
  for (let i = 0; i < src.length; i++) {
    dst[i] = rng.uniform() < amount ? (rng.uniform() < 0.5 ? 0 : 1) : src[i];
  }
}

// log k! exactly (summed) below 128, Stirling's series above (error < 1e-12 there).
const LOG_FACTORIAL = (() => {
  const t = new Float64Array(128);
  for (let k = 2; k < 128; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

function logFactorial(k: number): number {
  if (k < 128) return LOG_FACTORIAL[k];
  const z = k + 1;
  const z2 = z * z;
  return (
    (z - 0.5) * Math.log(z) -
    z +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * z) -
    1 / (360 * z * z2) +
    1 / (1260 * z2 * z2 * z)
  );
}

/**
 * A Poisson draw of mean `lambda` ≥ 0: inversion by sequential search below 10, Hörmann's transformed
 * rejection with squeeze (PTRS, 1993) from 10 on, whose cost does not grow with the mean.
 */
export function poisson(lambda: number, rng: SeededRandom): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    let k = 0;
    let p = Math.exp(-lambda);
    let cdf = p;
    const u = rng.uniform();
    while (u > cdf && p > 0) {
      k++;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLam - logFactorial(k)
    ) {
      return k;
    }
  }
}
