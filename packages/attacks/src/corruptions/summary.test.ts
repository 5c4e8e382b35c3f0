import { describe, expect, it } from 'vitest';
import { IncomparableEvaluationsError } from '../errors';
import type { CorruptionEvaluation } from './evaluate';
import { corruptionErrorSummary } from './summary';

function evaluation(clean: number, families: Record<string, number[]>): CorruptionEvaluation {
  return {
    n: 100,
    seed: 1,
    cleanAccuracy: clean,
    severities: [1, 2, 3],
    families: Object.entries(families).map(([family, accuracy]) => ({ family, accuracy }) as never),
  };
}

describe('corruptionErrorSummary (mCE)', () => {
  it('CE per family = Σ_s model error / Σ_s baseline error; mCE = their mean (by hand)', () => {
    const model = evaluation(0.9, { 'gaussian-noise': [0.8, 0.7, 0.6], contrast: [0.9, 0.9, 0.8] });
    const base = evaluation(0.8, { contrast: [0.6, 0.5, 0.4], 'gaussian-noise': [0.5, 0.4, 0.3] });
    const s = corruptionErrorSummary(model, base);
    // gaussian: (0.2 + 0.3 + 0.4) / (0.5 + 0.6 + 0.7) = 0.9/1.8 = 0.5; contrast: 0.4/1.5.
    expect(s.families.map((f) => f.family)).toEqual(['gaussian-noise', 'contrast']);
    expect(s.families[0].ce).toBeCloseTo(0.5, 12);
    expect(s.families[1].ce).toBeCloseTo(0.4 / 1.5, 12);
    expect(s.mCE).toBeCloseTo((0.5 + 0.4 / 1.5) / 2, 12);
    // Relative: gaussian (0.9 − 3·0.1)/(1.8 − 3·0.2) = 0.6/1.2; contrast (0.4 − 0.3)/(1.5 − 0.6) = 0.1/0.9.
    expect(s.families[0].relativeCe).toBeCloseTo(0.5, 12);
    expect(s.families[1].relativeCe).toBeCloseTo(0.1 / 0.9, 12);
    expect(s.relativeMCE).toBeCloseTo((0.5 + 0.1 / 0.9) / 2, 12);
    expect(s.cleanError).toBeCloseTo(0.1, 12);
    expect(s.baselineCleanError).toBeCloseTo(0.2, 12);
    // The baseline against itself: every CE is 1.
    expect(corruptionErrorSummary(base, base).mCE).toBeCloseTo(1, 12);
  });

  it('relative CE is null where the baseline loses no accuracy under a family', () => {
    const model = evaluation(0.9, { contrast: [0.8, 0.8, 0.8] });
    const base = evaluation(0.5, { contrast: [0.5, 0.6, 0.5] });
    const s = corruptionErrorSummary(model, base);
    expect(s.families[0].relativeCe).toBeNull();
    expect(s.relativeMCE).toBeNull();
    expect(s.mCE).toBeCloseTo(0.6 / 1.4, 12);
  });

  it('refuses evaluations it cannot compare', () => {
    const a = evaluation(0.9, { contrast: [0.8, 0.7, 0.6] });
    const other = evaluation(0.9, { pixelate: [0.8, 0.7, 0.6] });
    const twoSeverities = {
      ...a,
      severities: [1, 2],
      families: [{ family: 'contrast' as const, accuracy: [0.8, 0.7] }],
    };
    const perfect = evaluation(1, { contrast: [1, 1, 1] });
    for (const [m, b] of [
      [a, other],
      [a, twoSeverities],
      [a, perfect],
      [a, {} as CorruptionEvaluation],
      [a, evaluation(0.9, { contrast: [0.8, 1.7, 0.6] })],
      [null as never, a],
    ]) {
      expect(() => corruptionErrorSummary(m, b)).toThrow(IncomparableEvaluationsError);
    }
  });
});
