import { describe, expect, it } from 'vitest';
import { l2Side, linfSide, pseudoGaussian, roundHalfEven, squareFraction } from './square-windows';

describe('the Square Attack schedule and squares', () => {
  it("halves p at the paper's iterations for 10,000 queries, rescaled to other budgets", () => {
    const p = 0.05;
    expect([0, 10, 11, 50, 51, 200, 201, 500, 501].map((i) => squareFraction(p, i, 10000))).toEqual([
      p,
      p,
      p / 2,
      p / 2,
      p / 4,
      p / 4,
      p / 8,
      p / 8,
      p / 16,
    ]);
    expect([1000, 1001, 2001, 4001, 6001, 8001, 9999].map((i) => squareFraction(p, i, 10000))).toEqual([
      p / 16,
      p / 32,
      p / 64,
      p / 128,
      p / 256,
      p / 512,
      p / 512,
    ]);
    // Budget 1,000: iteration i stands for ⌊i/1000·10000⌋ = 10i.
    expect([1, 2, 5, 6].map((i) => squareFraction(p, i, 1000))).toEqual([p, p / 2, p / 2, p / 4]);
  });

  it('sizes the squares as the reference: round half to even, L∞ within [1, side − 1], L2 odd and ≥ 3', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2]);
    const cifar = { h: 32, w: 32, c: 3, lo: 0, hi: 1 };
    expect(linfSide(0.05, cifar)).toBe(7); // round(√51.2)
    expect(linfSide(1, cifar)).toBe(31);
    expect(linfSide(1e-6, cifar)).toBe(1);
    expect(l2Side(0.1, cifar)).toBe(11); // round(√102.4) = 10, made odd
    expect(l2Side(1e-6, cifar)).toBe(3);
    expect(l2Side(1, { ...cifar, h: 4, w: 4 })).toBe(4);
  });

  it('builds the pseudo-Gaussian square of side 3 by hand, and its transpose', () => {
    // Top row: rectangles(1, 3) = [1/4, 1 + 1/4, 1/4]; bottom rows: −rectangles(2, 3) with centre (1, 1).
    const top = [0.25, 1.25, 0.25].map((v) => v / Math.sqrt(1.6875) / Math.SQRT2);
    const bottom = [0.25, 0.25, 0.25, 0.25, 1.25, 0.25].map((v) => -v / Math.sqrt(1.875) / Math.SQRT2);
    const want = [...top, ...bottom];
    const got = pseudoGaussian(3, false);
    want.forEach((v, k) => {
      expect(got[k]).toBeCloseTo(v, 14);
    });
    const t = pseudoGaussian(3, true);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(t[j * 3 + i]).toBe(got[i * 3 + j]);
    expect(Array.from(got).reduce((a, v) => a + v * v, 0)).toBeCloseTo(1, 14);
  });
});
