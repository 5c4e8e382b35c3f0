import { PACKAGE, InvalidOptionError } from './errors';

/** A seeded generator of uniform floats in [0, 1). */
export type Random = () => number;

/** Throws unless `seed` is an integer that fits in 32 bits (signed or unsigned). */
export function assertSeed(fn: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    const got = typeof seed === 'number' ? String(seed) : typeof seed;
    throw new InvalidOptionError(PACKAGE, `${fn}: seed must be an integer in [-2^31, 2^32), got ${got}.`);
  }
}

/**
 * Mixes a seed and any number of stream identifiers (epoch, purpose…) into one 32-bit seed with the
 * splitmix32 finaliser, so that different streams of the same run are independent and reproducible.
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
  let h = seed >>> 0;
  for (const s of [...streams, streams.length]) {
    h = (h + 0x9e3779b9 + (s >>> 0)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

/** mulberry32: a small, fast 32-bit PRNG; `seed` fully determines the stream. */
export function mulberry32(seed: number): Random {
  assertSeed('mulberry32', seed);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** In-place Fisher–Yates shuffle of `values` driven by `random`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  values: T,
  random: Random,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** A seeded random permutation of `0 … n−1`. */
export function permutation(n: number, seed: number): Uint32Array {
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 32)) {
    throw new InvalidOptionError(
      PACKAGE,
      `permutation: n must be an integer count ≥ 0, got ${typeof n === 'number' ? n : typeof n}.`,
    );
  }
  assertSeed('permutation', seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, mulberry32(seed));
}
