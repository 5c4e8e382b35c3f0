import { describe, expect, it } from 'vitest';
import { InvalidOptionError, StateMismatchError } from './errors';
import { PairSampler } from './pair-sampler';

/** All i<j pairs of n items, interleaved. */
function allPairs(n: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push(i, j);
  return Int32Array.from(out);
}

const key = (b: Int32Array, p: number) => `${b[2 * p]},${b[2 * p + 1]}`;

describe('PairSampler', () => {
  it('draws each pair at most once per pass, drops the last partial batch and reshuffles', () => {
    const pairs = allPairs(8); // 28 pairs → 3 batches of 8 per pass, 4 pairs dropped
    const sampler = new PairSampler(pairs, { batchSize: 8, seed: 1 });
    expect(sampler.batchesPerPass).toBe(3);
    const pass1 = new Set<string>();
    for (let b = 0; b < 3; b++) {
      const batch = sampler.next();
      expect(batch.length).toBe(16);
      for (let p = 0; p < 8; p++) {
        expect(batch[2 * p]).toBeLessThan(batch[2 * p + 1]);
        pass1.add(key(batch, p));
      }
    }
    expect(pass1.size).toBe(24);
    expect(sampler.getState()).toMatchObject({ pass: 1, cursor: 24 });
    const next = sampler.next(); // restarts
    expect(sampler.getState()).toMatchObject({ pass: 2, cursor: 8 });
    const again = new PairSampler(pairs, { batchSize: 8, seed: 1 });
    const first = again.next();
    expect(Array.from(next)).not.toEqual(Array.from(first)); // a new shuffle
  });

  it('is reproducible from its seed and resumes exactly from a saved state', () => {
    const pairs = allPairs(20);
    const a = new PairSampler(pairs, { seed: 42 });
    const b = new PairSampler(pairs, { seed: 42 });
    const c = new PairSampler(pairs, { seed: 43 });
    expect(Array.from(a.next())).toEqual(Array.from(b.next()));
    expect(Array.from(c.next())).not.toEqual(Array.from(new PairSampler(pairs, { seed: 42 }).next()));
    for (let s = 0; s < 30; s++) a.next(); // into the third pass (11 batches per pass)
    const state = JSON.parse(JSON.stringify(a.getState()));
    const resumed = new PairSampler(pairs, { seed: 42 });
    resumed.setState(state);
    for (let s = 0; s < 25; s++) expect(Array.from(resumed.next())).toEqual(Array.from(a.next()));
    expect(() => new PairSampler(pairs, { seed: 7 }).setState(state)).toThrow(StateMismatchError);
  });

  it('rejects bad options', () => {
    expect(() => new PairSampler(allPairs(3), { seed: 1 })).toThrow(/only 3 pairs/);
    expect(() => new PairSampler(allPairs(8), { seed: 1, batchSize: 0 })).toThrow(InvalidOptionError);
    expect(() => new PairSampler(allPairs(8), { seed: 1.5 })).toThrow(/seed/);
    expect(() => new PairSampler(Int32Array.from([1, 2, 3]), { seed: 1 })).toThrow(/even length/);
  });
});
