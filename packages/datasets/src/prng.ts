import { describe } from './describe';
import { PACKAGE, InvalidOptionError } from './errors';

/** A seeded generator of uniform numbers in `[0, 1)`. */
export type Random = () => number;

/** Checks that `seed` is a safe integer (every random choice in this package takes one). */
export function assertSeed(fn: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: seed must be an integer, got ${describe(seed)}. Pass an integer seed such as 0 or 42 ` +
        '(every random choice in @pixsim/datasets is reproducible from its seed).',
    );
  }
}

/**
 * Mixes a seed and a stream number into a 32-bit state (a splitmix32-style finaliser), so that the
 * shuffling, augmentation and sampling streams of one seed are independent of each other.
 */
export function mixSeed(seed: number, stream: number): number {
  let z = (Math.floor(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  // Fold in the high part of seeds beyond 32 bits.
  const high = Math.floor(seed / 0x100000000) >>> 0;
  return (z ^ Math.imul(high, 0x27d4eb2d)) >>> 0;
}

/** mulberry32: a small, fast 32-bit PRNG, good enough for shuffling and augmentation. */
export function createRandom(seed: number, stream = 0): Random {
  let state = mixSeed(seed, stream);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in `[0, n)`. */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher–Yates shuffle of `array` in place; returns it. */
export function shuffleInPlace<T extends { [i: number]: number; length: number }>(
  array: T,
  random: Random,
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/** A seeded permutation of `0 … n−1`. */
export function permutation(n: number, random: Random): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, random);
}
