import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import { deriveSeed, mulberry32, permutation } from './random';

describe('deriveSeed, mulberry32, permutation', () => {
  it('give exactly the streams they gave before the generator moved into @pixsim/core (#27)', () => {
    // Recorded at 78718db from the former regularizer/src/random.ts: trained weights depend on them.
    expect(deriveSeed(42)).toBe(551831576);
    expect(deriveSeed(42, 0)).toBe(2370221968);
    expect(deriveSeed(42, 1)).toBe(3544566448);
    expect(deriveSeed(42, -1)).toBe(3109258812);
    const p = permutation(10, 42);
    expect(p).toBeInstanceOf(Int32Array);
    expect(Array.from(p)).toEqual([0, 7, 3, 5, 2, 1, 8, 9, 4, 6]);
    const next = mulberry32(0);
    expect([next(), next()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
  });

  it('reject seeds outside 32 bits, non-integer streams and counts with InvalidOptionError', () => {
    expect(() => deriveSeed(2 ** 32)).toThrow(InvalidOptionError);
    expect(() => deriveSeed(1, 0.5)).toThrow(/stream identifiers must be integers/);
    expect(() => mulberry32(-(2 ** 31) - 1)).toThrow(/seed must be an integer in \[-2\^31, 2\^32\)/);
    expect(() => permutation(-1, 0)).toThrow(/n must be an integer count ≥ 0/);
    expect(() => permutation(2 ** 31, 0)).toThrow(InvalidOptionError);
  });
});
