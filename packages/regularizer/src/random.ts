import {
  deriveSeed as coreDeriveSeed,
  mulberry32 as coreMulberry32,
  permutation as corePermutation,
} from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

export type { Random } from '@pixsim/core';

/** Throws unless `seed` is an integer that fits in 32 bits (signed or unsigned). */
export function assertSeed(fn: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    const got = typeof seed === 'number' ? String(seed) : typeof seed;
    throw new InvalidOptionError(PACKAGE, `${fn}: seed must be an integer in [-2^31, 2^32), got ${got}.`);
  }
}

/**
 * Mixes a seed and any number of stream identifiers (epoch, purpose…) into one 32-bit seed, so that
 * different streams of the same run are independent and reproducible (`@pixsim/core`'s `deriveSeed`, with
 * the seed and streams checked).
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  assertSeed('deriveSeed', seed);
  for (const s of streams) {
    if (!Number.isInteger(s)) {
      throw new InvalidOptionError(
        PACKAGE,
        `deriveSeed: stream identifiers must be integers (epoch, purpose…), got ${typeof s === 'number' ? s : typeof s}.`,
      );
    }
  }
  return coreDeriveSeed(seed, ...streams);
}

/** mulberry32 (`@pixsim/core`'s generator): a small, fast 32-bit PRNG; `seed` fully determines the stream. */
export function mulberry32(seed: number): () => number {
  assertSeed('mulberry32', seed);
  return coreMulberry32(seed);
}

/** A seeded random permutation of `0 … n−1` (the mulberry32 stream `seed` shuffling the identity). */
export function permutation(n: number, seed: number): Int32Array {
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 31)) {
    throw new InvalidOptionError(
      PACKAGE,
      `permutation: n must be an integer count ≥ 0 (below 2^31), got ${typeof n === 'number' ? n : typeof n}.`,
    );
  }
  assertSeed('permutation', seed);
  return corePermutation(n, coreMulberry32(seed));
}
