import { describe, expect, it } from 'vitest';
import { robustAccuracyAt } from './robust-accuracy';

describe('robustAccuracyAt', () => {
  const inf = Number.POSITIVE_INFINITY;
  // Four images: misclassified clean (0), fooled at 0.3 after 50 queries, fooled at 0.05 after 900, not fooled.
  const outcome = {
    success: [true, true, true, false],
    distances: [0, 0.3, 0.05, inf],
    queries: [0, 50, 900, 1000],
  };

  it('counts an image as fooled when an adversarial within ε (and the query budget) was found', () => {
    const r = robustAccuracyAt(outcome, { epsilon: 0.1 });
    expect(r.fooled).toEqual([true, false, true, false]);
    expect(r.robustAccuracy).toBe(0.5);
    expect(r.successRate).toBe(0.75);
    expect(r.medianDistance).toBe(0.05);
    expect(r.medianQueries).toBe(450);
    expect(r.maxQueries).toBeNull();
    const budget = robustAccuracyAt(outcome, { epsilon: 0.5, maxQueries: 100 });
    expect(budget.fooled).toEqual([true, true, false, false]);
    expect(budget.robustAccuracy).toBe(0.5);
    expect(robustAccuracyAt(outcome, { epsilon: 1 }).robustAccuracy).toBe(0.25);
    expect(JSON.parse(JSON.stringify(budget))).toEqual(budget);
  });

  it('reads a distance history at a budget: the best distance among points within the budget', () => {
    const traced = {
      success: [true, true],
      distances: [0.2, 0.4],
      queries: [800, 800],
      history: [
        { distances: [2, 0.9, 0.2], queries: [30, 300, 800] },
        { distances: [1, 0.4, 0.4], queries: [30, 90, 800] },
      ],
    };
    expect(robustAccuracyAt(traced, { epsilon: 0.5, maxQueries: 500 }).fooled).toEqual([false, true]);
    expect(robustAccuracyAt(traced, { epsilon: 0.5, maxQueries: 500 }).medianQueries).toBe(90);
    expect(robustAccuracyAt(traced, { epsilon: 0.5 }).fooled).toEqual([true, true]);
    // Without a budget, the queries of the first point within ε.
    expect(robustAccuracyAt(traced, { epsilon: 0.5 }).medianQueries).toBe((800 + 90) / 2);
  });
});
