import { SeededGenerator } from './generator';

/** A seeded source of uniform numbers in `[0, 1)`, as the packages pass it around (e.g. to an augmenter). */
export type Random = () => number;

/**
 * A mulberry32 {@link Random} from a 32-bit state (taken modulo 2^32): the generator of every training
 * draw. `mulberry32(deriveSeed(seed, …streams))` gives an independent stream of `seed`.
 */
export function mulberry32(state: number): Random {
  const generator = new SeededGenerator(state, 'mulberry32');
  return () => generator.random();
}

/** Uniform integer in `[0, n)`: `⌊random() · n⌋`. */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher–Yates shuffle of `values` in place, from the last element down; returns `values`. */
export function shuffleInPlace<T extends { [i: number]: number; length: number }>(
  values: T,
  random: Random,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** A seeded permutation of `0 … n−1` (`n` a count below 2^31): {@link shuffleInPlace} of the identity. */
export function permutation(n: number, random: Random): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, random);
}
