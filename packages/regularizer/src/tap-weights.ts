import { PACKAGE, InvalidOptionError } from './errors';

/**
 * How the taps are combined into one similarity, `S^CNN = Σ_t π_t · S^CNN_t`:
 * - `'trainable'` (default): `π = softmax(w)` with `w` a trainable variable initialised to 0 (uniform),
 *   trained by the same optimiser as the network;
 * - `'uniform'`: fixed `π_t = 1/T`;
 * - an array of T fixed non-negative weights summing to 1.
 */
export type TapWeighting = 'trainable' | 'uniform' | readonly number[];

/** Checks fixed tap weights (`'uniform'` or an array) and returns them as T numbers. */
export function fixedTapWeights(fn: string, weighting: TapWeighting, count: number): number[] {
  if (weighting === 'uniform') return new Array(count).fill(1 / count);
  if (!Array.isArray(weighting)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: tapWeights must be 'trainable', 'uniform' or an array of ${count} weights, got ${String(weighting)}.`,
    );
  }
  if (weighting.length !== count) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: tapWeights has ${weighting.length} entries for ${count} taps.`,
    );
  }
  let sum = 0;
  for (const v of weighting) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new InvalidOptionError(PACKAGE, `${fn}: fixed tap weights must be finite and ≥ 0, got ${v}.`);
    }
    sum += v;
  }
  if (Math.abs(sum - 1) > 1e-6) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: fixed tap weights must sum to 1 (they are the combination π), got a sum of ${sum}; divide ` +
        'them by their sum.',
    );
  }
  return [...weighting];
}
