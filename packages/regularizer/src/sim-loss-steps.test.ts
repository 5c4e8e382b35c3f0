import { describe, expect, it } from 'vitest';
import { summarizeSimLossSteps } from './sim-loss-steps';

describe('summarizeSimLossSteps', () => {
  it('gives numpy-style quantiles and the share carried by batches above 1', () => {
    // 98 quiet batches at 0.05 and two with a ±1 pair at 10 and 14: mean 0.289, median 0.05.
    const values = [...Array(98).fill(0.05), 10, 14];
    const s = summarizeSimLossSteps(values);
    expect(s).not.toBeNull();
    expect(s?.steps).toBe(100);
    expect(s?.median).toBeCloseTo(0.05, 12);
    expect(s?.max).toBe(14);
    expect(s?.fractionAbove1).toBeCloseTo(0.02, 12);
    expect(s?.shareAbove1).toBeCloseTo(24 / (98 * 0.05 + 24), 12);
    // p99 of 100 values sits at order statistic 98.01: between 10 and 14.
    expect(s?.p99).toBeCloseTo(10 + 0.01 * 4, 12);
    expect(s?.p90).toBeCloseTo(0.05, 12);
  });

  it('interpolates between order statistics and ignores input order', () => {
    const s = summarizeSimLossSteps([4, 1, 3, 2]);
    expect(s?.median).toBeCloseTo(2.5, 12);
    expect(s?.p90).toBeCloseTo(3.7, 12);
    expect(s?.fractionAbove1).toBe(0.75);
    expect(s?.shareAbove1).toBeCloseTo(9 / 10, 12);
  });

  it('is null without pair batches and 0 share when every L_sim is 0', () => {
    expect(summarizeSimLossSteps([])).toBeNull();
    expect(summarizeSimLossSteps([0, 0])?.shareAbove1).toBe(0);
  });
});
