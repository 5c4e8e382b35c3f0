import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import {
  type BaselineObservation,
  MIN_CLEAN_RATIO,
  type PairObservation,
  selectPair,
  TUNE_FORMAT,
  type TuneCell,
  type TuneResult,
  tuneCells,
  tuneTable,
} from './tune';
import { tuneFigureSpec } from './tune-figure';

/** A cell with the given mean ratios (one seed). */
function cell(alpha: number, th: number, r0u0: number, rdud: number): TuneCell {
  return {
    alpha,
    th,
    r0u0: { mean: r0u0, sem: null, values: [r0u0] },
    rdud: { mean: rdud, sem: null, values: [rdud] },
    passes: r0u0 >= MIN_CLEAN_RATIO,
  };
}

describe('the selection rule of pixsim tune', () => {
  it('picks the largest mean R_D/U_D among the pairs with mean R0/U0 ≥ 0.9', () => {
    const cells = [cell(1, 0.4, 0.95, 1.1), cell(3, 0.4, 0.92, 1.3), cell(10, 0.8, 0.7, 2.5)];
    // α = 10 has the largest R_D/U_D but fails R0/U0.
    expect(selectPair(cells)).toEqual({ selected: { alpha: 3, th: 0.4 }, bestR0U0: null });
  });

  it('breaks ties on R_D/U_D by the smaller α, then the smaller Th', () => {
    const cells = [
      cell(10, 0.4, 0.95, 1.2),
      cell(3, 0.8, 0.91, 1.2),
      cell(3, 0.6, 0.99, 1.2),
      cell(1, 0.4, 0.95, 1.1),
    ];
    expect(selectPair(cells).selected).toEqual({ alpha: 3, th: 0.6 });
    expect(selectPair([...cells].reverse()).selected).toEqual({ alpha: 3, th: 0.6 });
  });

  it('selects nothing when no pair passes, and reports the best R0/U0', () => {
    const cells = [cell(1, 0.4, 0.85, 1.1), cell(3, 0.4, 0.89, 1.3), cell(10, 0.8, 0.5, 2.5)];
    expect(selectPair(cells)).toEqual({ selected: null, bestR0U0: { alpha: 3, th: 0.4, r0u0: 0.89 } });
    expect(selectPair([])).toEqual({ selected: null, bestR0U0: null });
  });

  it('takes ratios to the baseline of the same seed, then mean and SEM over seeds', () => {
    const baselines: BaselineObservation[] = [
      { seed: 1, clean: 0.8, atMax: 0.25 },
      { seed: 2, clean: 0.5, atMax: 0.2 },
    ];
    const pairs: PairObservation[] = [
      { alpha: 1, th: 0.4, seed: 1, clean: 0.8, atMax: 0.5 },
      { alpha: 1, th: 0.4, seed: 2, clean: 0.4, atMax: 0.2 },
    ];
    const [c] = tuneCells([1, 2], baselines, pairs);
    expect(c.r0u0.values).toEqual([1, 0.8]);
    expect(c.r0u0.mean).toBeCloseTo(0.9, 12);
    // SEM = sample standard deviation / √n = (0.1·√2) / √2 = 0.1.
    expect(c.r0u0.sem).toBeCloseTo(0.1, 12);
    expect(c.rdud.values).toEqual([2, 1]);
    expect(c.rdud.mean).toBeCloseTo(1.5, 12);
    expect(c.rdud.sem).toBeCloseTo(0.5, 12);
    expect(c.passes).toBe(true);
  });

  it('leaves a ratio undefined (null) where the baseline scored 0, and needs every seed once', () => {
    const baselines = [{ seed: 1, clean: 0.5, atMax: 0 }];
    const [c] = tuneCells([1], baselines, [{ alpha: 1, th: 0.4, seed: 1, clean: 0.5, atMax: 0.1 }]);
    expect(c.rdud).toEqual({ mean: null, sem: null, values: [null] });
    expect(selectPair([c]).selected).toBeNull();
    expect(() => tuneCells([1, 2], baselines, [{ alpha: 1, th: 0.4, seed: 1, clean: 1, atMax: 1 }])).toThrow(
      InvalidOptionError,
    );
  });

  it('the table and the heatmap name the choice and mark the failing pairs', () => {
    const cells = [cell(1, 0.4, 0.95, 1.1), cell(10, 0.4, 0.5, 2)];
    const tune: TuneResult = {
      format: TUNE_FORMAT,
      experiment: 'fig3b',
      preset: 'smoke',
      seeds: [1],
      alphas: [1, 10],
      ths: [0.4],
      attack: 'transferred-fgsm',
      epsilon: 0.02,
      validationFraction: 0.1,
      validationImages: 32,
      rule: 'r',
      baselines: [],
      cells,
      ...selectPair(cells),
    };
    const table = tuneTable(tune);
    expect(table).toContain('| 1 | 0.4 | 0.950 | 1.100 | yes | **selected** |');
    expect(table).toContain('| 10 | 0.4 | 0.500 | 2.000 | no |  |');
    const spec = JSON.stringify(tuneFigureSpec(tune));
    expect(spec).toContain('selected: α = 1, Th = 0.4 (outlined)');
    expect(spec).toContain('fails R0/U0 ≥ 0.9');
    expect(() => tuneFigureSpec({ ...tune, format: 'x' } as unknown as TuneResult)).toThrow(
      InvalidOptionError,
    );
  });
});
