import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError } from './errors';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { type TensorReads, describeValue, runReadsSync } from '@pixsim/core';
import { assertEpsilon, imagesReads } from './validate';

/**
 * How a noisy image is brought back into range:
 * - `'image'` (the paper's choice): clamp each noisy image to the min/max of its own clean image;
 * - `'bounds'`: clamp to the image bounds (default `[0, 1]`);
 * - `'none'`: no clamp (values may leave the bounds; useful to inspect the raw noise).
 */
export type NoiseClamp = 'image' | 'bounds' | 'none';

/** The three random-noise perturbations of the paper's evaluation. */
export type NoiseKind = 'gaussian' | 'uniform' | 'salt-and-pepper';

/** Options of the noise functions. */
export interface NoiseOptions {
  /** Seed of the noise (required). Image `i` uses its own stream derived from `(seed, indexOffset + i)`. */
  seed: number;
  /** Clamp policy, default `'image'` (see {@link NoiseClamp}). */
  clamp?: NoiseClamp;
  /** Image bounds; inputs must lie inside, and `clamp: 'bounds'` clamps to them. Default `[0, 1]`. */
  bounds?: readonly [number, number];
  /**
   * Global index of the first image of this batch (default 0). Per-image streams make the noise of an
   * image independent of how a data set is cut into batches.
   */
  indexOffset?: number;
}

export const CLAMPS: readonly NoiseClamp[] = ['image', 'bounds', 'none'];

export function drawNoise(
  kind: NoiseKind,
  epsilon: number,
  n: number,
  d: number,
  seed: number,
  offset: number,
) {
  const noise = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const rng = new SeededRandom(deriveSeed(seed, offset + i));
    const base = i * d;
    if (kind === 'gaussian') {
      rng.fillNormal(noise, base, d);
      for (let j = base; j < base + d; j++) noise[j] *= epsilon;
    } else if (kind === 'uniform') {
      rng.fillUniform(noise, -epsilon, epsilon, base, d);
    } else {
      for (let j = base; j < base + d; j++) {
        if (rng.uniform() < epsilon) noise[j] = rng.uniform() < 0.5 ? -1 : 1;
      }
    }
  }
  return noise;
}

/**
 * Adds seeded random noise to `[N, H, W, C]` images with the paper's semantics and clamps the result
 * (see {@link NoiseClamp}). `ε = 0` returns a copy of the images.
 */
export function addNoise(
  kind: NoiseKind,
  images: tf.Tensor4D,
  epsilon: number,
  options: NoiseOptions,
): tf.Tensor4D {
  return runReadsSync(addNoiseReads(kind, images, epsilon, options));
}

/** {@link addNoise} as a {@link TensorReads} computation (its input check reads with the driver). */
export function* addNoiseReads(
  kind: NoiseKind,
  images: tf.Tensor4D,
  epsilon: number,
  options: NoiseOptions,
): TensorReads<tf.Tensor4D> {
  if (kind !== 'gaussian' && kind !== 'uniform' && kind !== 'salt-and-pepper') {
    throw new InvalidOptionError(
      PACKAGE,
      `addNoise: unknown noise kind ${describeValue(kind)}; use 'gaussian', 'uniform' or 'salt-and-pepper'.`,
    );
  }
  const fn = `${kind}Noise`;
  assertSeed(fn, options?.seed);
  const clamp = options.clamp ?? 'image';
  if (!CLAMPS.includes(clamp)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: clamp must be one of ${CLAMPS.join(', ')}, got '${String(clamp)}'.`,
    );
  }
  const bounds = options.bounds ?? ([0, 1] as const);
  const offset = options.indexOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(PACKAGE, `${fn}: indexOffset must be an integer ≥ 0, got ${offset}.`);
  }
  assertEpsilon(fn, epsilon, kind === 'salt-and-pepper' ? 1 : undefined);
  yield* imagesReads(fn, images, bounds);
  const [n, h, w, c] = images.shape;
  if (epsilon === 0) return tf.tidy(() => tf.cast(images, 'float32').clone() as tf.Tensor4D);
  const noise = drawNoise(kind, epsilon, n, h * w * c, options.seed, offset);
  if (clamp === 'image') {
    // One read of the images, then add and clamp in place: exactly the float32 `x + noise` (a float32 sum
    // computed in float64 and rounded once is the correctly rounded float32 sum) and exact min/max. This is
    // 3–10× faster than clamping with tensors: broadcasting an [n, 1, 1, 1] range is a slow generic loop
    // on the wasm engine.
    const x = tf.cast(images, 'float32');
    let values: ArrayLike<number>;
    try {
      values = yield x;
    } finally {
      x.dispose();
    }
    clampPerImage(noise, values, n, h * w * c);
    return tf.tensor4d(noise, [n, h, w, c]);
  }
  return tf.tidy(() => {
    const x = tf.cast(images, 'float32') as tf.Tensor4D;
    const noisy = tf.add(x, tf.tensor4d(noise, [n, h, w, c]));
    if (clamp === 'none') return noisy as tf.Tensor4D;
    return tf.clipByValue(noisy, bounds[0], bounds[1]) as tf.Tensor4D;
  });
}

/** `noise[i] ← clamp(float32(x[i] + noise[i]), min(image), max(image))` for each of `n` images of `d` values. */
export function clampPerImage(noise: Float32Array, x: ArrayLike<number>, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    const base = i * d;
    let lo = x[base];
    let hi = x[base];
    for (let j = base + 1; j < base + d; j++) {
      const v = x[j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    for (let j = base; j < base + d; j++) {
      const v = Math.fround(x[j] + noise[j]);
      noise[j] = Math.min(Math.max(v, lo), hi);
    }
  }
}

export function gaussianNoise(images: tf.Tensor4D, epsilon: number, options: NoiseOptions): tf.Tensor4D {
  return addNoise('gaussian', images, epsilon, options);
}

/** Uniform noise `x + ε·U(−1, 1)` per pixel, then clamped (default: to each clean image's own min/max). */
export function uniformNoise(images: tf.Tensor4D, epsilon: number, options: NoiseOptions): tf.Tensor4D {
  return addNoise('uniform', images, epsilon, options);
}

/**
 * Salt-and-pepper noise: each pixel (each tensor element) gets ±1 (equal odds) added with probability
 * ε ∈ [0, 1], then clamped (default: to each clean image's own min/max, so a hit pixel becomes the
 * image's min or max).
 */
export function saltAndPepperNoise(images: tf.Tensor4D, epsilon: number, options: NoiseOptions): tf.Tensor4D {
  return addNoise('salt-and-pepper', images, epsilon, options);
}
