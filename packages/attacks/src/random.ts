import { deriveSeedMurmur, SeededGenerator } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

/** Throws {@link InvalidOptionError} unless `seed` is a finite integer. */
export function assertSeed(fn: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: seed must be an integer (every random draw in @pixsim/attacks is seeded), got ${String(seed)}. ` +
        'Pass e.g. { seed: 0 }.',
    );
  }
}

/**
 * Derives an independent 32-bit seed for a sub-stream (e.g. one image, one repeat) from a parent seed.
 * `deriveSeed(s, i)` for different `i` gives streams that do not overlap in practice. (`@pixsim/core`'s
 * `deriveSeedMurmur`: every evaluation draw of this package has come from it.)
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  return deriveSeedMurmur(seed, ...streams);
}

/**
 * The seeded generator of every attack and evaluation draw: `@pixsim/core`'s `SeededGenerator` with the
 * splitmix32 output (a Weyl sequence passed through MurmurHash3's finaliser), started at `deriveSeed(seed)`.
 * Deterministic across platforms: the same seed always yields the same numbers, whatever the tf backend.
 */
export class SeededRandom extends SeededGenerator {
  constructor(seed: number) {
    assertSeed('SeededRandom', seed);
    super(deriveSeedMurmur(seed), 'splitmix32');
  }
}
