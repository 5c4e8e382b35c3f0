import { type DecisionOracle, queryOracleValues } from './oracle';
import type { SeededRandom } from './random';
import { runReadsSync, type TensorReads } from '@pixsim/core';

/** Options of the blended-uniform-noise initialisation (foolbox 3's `LinearSearchBlendedUniformNoiseAttack`). */
export interface BlendedNoiseOptions {
  /** Uniform-noise images drawn per image until one is adversarial. Default 1000. */
  directions?: number;
  /** Blending steps of the linear search, ε ∈ linspace(0, 1, steps + 1). Default 50 (the Boundary Attack's choice). */
  steps?: number;
}

/** Result of {@link linearSearchBlendedUniformNoise}. */
export interface BlendedNoiseResult {
  /** `[N·D]` starting points (the clean image where `found` is 0). Each was queried and is adversarial. */
  starts: Float32Array;
  /** 1 where an adversarial starting point was found. */
  found: Uint8Array;
}

/**
 * Initialisation of the Boundary Attack: for each image, draw uniform noise in `bounds` until the
 * classifier calls it adversarial (at most `directions` draws), then blend `(1 − ε)·x + ε·noise` for
 * ε = 0, 1/steps, …, 1 and keep the first adversarial blend. Only images still searching are queried, so
 * each image's query count is what it would be on its own. An image for which no noise draw is
 * adversarial is reported in `found` instead of failing the batch.
 */
export function linearSearchBlendedUniformNoise(
  oracle: DecisionOracle,
  originals: Float32Array,
  n: number,
  d: number,
  bounds: readonly [number, number],
  rngs: readonly SeededRandom[],
  directions: number,
  steps: number,
): BlendedNoiseResult {
  return runReadsSync(blendedNoiseReads(oracle, originals, n, d, bounds, rngs, directions, steps));
}

/** {@link linearSearchBlendedUniformNoise} as a {@link TensorReads} computation. */
export function* blendedNoiseReads(
  oracle: DecisionOracle,
  originals: Float32Array,
  n: number,
  d: number,
  bounds: readonly [number, number],
  rngs: readonly SeededRandom[],
  directions: number,
  steps: number,
): TensorReads<BlendedNoiseResult> {
  const noise = new Float32Array(n * d);
  const found = new Uint8Array(n);
  let pending = Int32Array.from({ length: n }, (_, i) => i);
  for (let j = 0; j < directions && pending.length > 0; j++) {
    const batch = new Float32Array(pending.length * d);
    for (let r = 0; r < pending.length; r++)
      rngs[pending[r]].fillUniform(batch, bounds[0], bounds[1], r * d, d);
    const adv = yield* queryOracleValues(oracle, pending, batch, d);
    const still: number[] = [];
    for (let r = 0; r < pending.length; r++) {
      if (adv[r]) {
        found[pending[r]] = 1;
        noise.set(batch.subarray(r * d, (r + 1) * d), pending[r] * d);
      } else still.push(pending[r]);
    }
    pending = Int32Array.from(still);
  }

  const starts = originals.slice();
  let searching = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => found[i] === 1));
  for (let k = 0; k <= steps && searching.length > 0; k++) {
    const eps = Math.fround(k / steps);
    const batch = new Float32Array(searching.length * d);
    for (let r = 0; r < searching.length; r++) {
      const o = searching[r] * d;
      for (let t = 0; t < d; t++) batch[r * d + t] = (1 - eps) * originals[o + t] + eps * noise[o + t];
    }
    const adv = yield* queryOracleValues(oracle, searching, batch, d);
    const still: number[] = [];
    for (let r = 0; r < searching.length; r++) {
      if (adv[r]) starts.set(batch.subarray(r * d, (r + 1) * d), searching[r] * d);
      else still.push(searching[r]);
    }
    searching = Int32Array.from(still);
  }
  // Never adversarial along the blend (the noise end was, when drawn): keep the noise itself, as foolbox does.
  for (const i of searching) starts.set(noise.subarray(i * d, (i + 1) * d), i * d);
  return { starts, found };
}
