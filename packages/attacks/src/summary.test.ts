import { describe, expect, it } from 'vitest';
import { NonFiniteValueError } from './errors';
import { summarize } from './summary';

describe('summarize', () => {
  it('gives mean ± SEM over the defined repeats and keeps null where a repeat is undefined', () => {
    const s = summarize([1, null, 3]);
    expect(s.mean).toBe(2);
    expect(s.sem).toBeCloseTo(1, 12);
    expect(s.values).toEqual([1, null, 3]);
    expect(summarize([null])).toEqual({ mean: null, sem: null, values: [null] });
  });

  it('refuses NaN and infinite values with a typed error naming the repeat, instead of mean: null', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown;
      try {
        summarize([0.5, bad, 0.25]);
      } catch (e) {
        error = e;
      }
      expect(NonFiniteValueError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/repeat 1 has the value (NaN|Infinity)/);
    }
  });
});
