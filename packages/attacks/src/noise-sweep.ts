import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';
import { CLAMPS, clampPerImage, drawNoise, type NoiseClamp, type NoiseKind } from './noise';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { assertEpsilon, assertValuesInBounds } from './validate';
import type { ImageShape } from './values-model';

/** Options of {@link noiseSweep}: those of the noise functions, with the bounds required. */
export interface NoiseSweepOptions {
  seed: number;
  indexOffset: number;
  clamp?: NoiseClamp;
  bounds: readonly [number, number];
}

/**
 * The unit draws of each image's stream, which every ε scales: standard normals rounded to float32 (what
 * `drawNoise` stores before multiplying by ε) or uniforms in (0, 1) kept in float64 (what it scales to
 * (−ε, ε) before rounding). Salt-and-pepper draws depend on ε (a second draw only where a pixel is hit),
 * so it has none.
 */
function unitDraws(kind: NoiseKind, n: number, d: number, seed: number, offset: number) {
  if (kind === 'salt-and-pepper') return undefined;
  const unit = kind === 'gaussian' ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const rng = new SeededRandom(deriveSeed(seed, offset + i));
    const base = i * d;
    if (unit instanceof Float32Array) rng.fillNormal(unit, base, d);
    else for (let j = base; j < base + d; j++) unit[j] = rng.uniform();
  }
  return unit;
}

/** `out ← float32(ε·unit)` (Gaussian) or `float32(−ε + 2ε·unit)` (uniform): `drawNoise`'s numbers for this ε. */
function scaleUnit(kind: NoiseKind, unit: Float32Array | Float64Array, epsilon: number, out: Float32Array) {
  if (kind === 'gaussian') {
    for (let j = 0; j < out.length; j++) out[j] = unit[j] * epsilon;
    return;
  }
  // Exactly `SeededRandom.fillUniform(out, −ε, ε)`: lo + (hi − lo)·u.
  const lo = -epsilon;
  const w = epsilon - lo;
  for (let j = 0; j < out.length; j++) out[j] = lo + w * unit[j];
}

/** `noise ← x + noise` clamped to `bounds` (`'bounds'`) or not (`'none'`): tfjs's float32 `add` and `clipByValue`. */
function addAndClip(
  noise: Float32Array,
  x: Float32Array,
  clamp: 'bounds' | 'none',
  bounds: readonly [number, number],
) {
  if (clamp === 'none') {
    for (let j = 0; j < noise.length; j++) noise[j] = x[j] + noise[j];
    return;
  }
  const [lo, hi] = bounds;
  for (let j = 0; j < noise.length; j++) {
    const v = Math.fround(x[j] + noise[j]);
    // biome-ignore lint/complexity/useMathMinMax: tfjs's clipByValue comparisons, signed zeros included
    noise[j] = v > hi ? hi : v < lo ? lo : v;
  }
}

/**
 * The noisy images of one batch at each ε of `epsilons` in turn, on plain row-major values: bit for bit
 * the tensors `addNoise(kind, images, ε, options)` returns, without a tfjs tensor. Gaussian and uniform
 * noise draw each image's stream once and scale it for every ε (the stream of image `i` does not depend on
 * ε, see {@link NoiseOptions.indexOffset}). Yields `values` itself at ε = 0 (the images unchanged) and
 * otherwise one buffer, overwritten at the next step: use each batch before asking for the next.
 */
export function* noiseSweep(
  kind: NoiseKind,
  values: Float32Array,
  shape: ImageShape,
  epsilons: readonly number[],
  options: NoiseSweepOptions,
): Generator<Float32Array, void, undefined> {
  const fn = `${kind}Noise`;
  assertSeed(fn, options?.seed);
  const clamp = options.clamp ?? 'image';
  if (!CLAMPS.includes(clamp)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: clamp must be one of ${CLAMPS.join(', ')}, got ${describeValue(clamp)}.`,
    );
  }
  const offset = options.indexOffset;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: indexOffset must be an integer ≥ 0, got ${describeValue(offset)}.`,
    );
  }
  for (const e of epsilons) assertEpsilon(fn, e, kind === 'salt-and-pepper' ? 1 : undefined);
  assertValuesInBounds(fn, values, options.bounds);
  const [n, h, w, c] = shape;
  const d = h * w * c;
  let unit: Float32Array | Float64Array | undefined;
  const out = new Float32Array(n * d);
  for (const epsilon of epsilons) {
    if (epsilon === 0) {
      yield values;
      continue;
    }
    if (kind === 'salt-and-pepper') out.set(drawNoise(kind, epsilon, n, d, options.seed, offset));
    else {
      unit ??= unitDraws(kind, n, d, options.seed, offset) as Float32Array | Float64Array;
      scaleUnit(kind, unit, epsilon, out);
    }
    if (clamp === 'image') clampPerImage(out, values, n, d);
    else addAndClip(out, values, clamp, options.bounds);
    yield out;
  }
}
