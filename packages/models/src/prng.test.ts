import { describe, expect, it } from 'vitest';
import { hashString, mixSeeds, mulberry32, uniformArray } from './prng';

describe('seeded generator', () => {
  it('mulberry32 is deterministic, in [0, 1), and close to uniform', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 20_000 }, () => a());
    expect(Array.from({ length: 20_000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 2);
    const c = mulberry32(43);
    expect(c()).not.toBe(mulberry32(42)());
  });

  it('streams derived from seed and name differ, and uniformArray respects its bound', () => {
    expect(hashString('stem_conv/kernel')).not.toBe(hashString('stem_conv/kernel_1'));
    expect(mixSeeds(0, 1)).not.toBe(mixSeeds(1, 0));
    const values = uniformArray(10_000, 0.25, mixSeeds(7, hashString('x')));
    expect(values).toHaveLength(10_000);
    expect(Math.max(...values)).toBeLessThanOrEqual(0.25);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...values)).toBeGreaterThan(0.24);
  });
});
