import { describe, expect, it } from 'vitest';
import {
  aggregate,
  type CellResult,
  EXPERIMENTS,
  getPreset,
  InvalidOptionError,
  NoResultsError,
  SpecHashMismatchError,
  summaryTables,
  summaryToCsv,
} from './index';

/** A cell result with the given accuracies (unregularized, regularized) on a 3-point grid and Boundary scores. */
function cell(
  seed: number,
  unreg: number[],
  reg: number[],
  scores: [number, number],
  specHash = 'abc',
): CellResult {
  const epsilons = [0, 0.25, 0.5];
  return {
    format: 'pixsim-result-1',
    experiment: 'fig2a',
    preset: 'smoke',
    seed,
    specHash,
    spec: EXPERIMENTS.fig2a,
    presetSpec: getPreset('smoke'),
    reductions: ['width 2 instead of 64'],
    notes: [],
    data: {
      task: { dataset: 'mnist', source: 'x', trainImages: 1, testImages: 1 },
      regularization: { dataset: 'mnist', source: 'x', n: 1, standIn: false, imageShape: [28, 28, 1] },
      pairs: 0,
    },
    environment: { packages: {}, node: 'v20', platform: 'linux-x64', backend: 'cpu', threads: 1 },
    phases: {},
    startedAt: '',
    finishedAt: '',
    models: [],
    curves: [
      { model: 'unregularized', attack: 'gaussian-noise', n: 100, epsilons, accuracy: unreg },
      { model: 'regularized', attack: 'gaussian-noise', n: 100, epsilons, accuracy: reg },
    ],
    boundary: [
      {
        model: 'unregularized',
        steps: 50,
        imageIndices: [],
        cleanAccuracy: 1,
        repeats: [],
        score: scores[0],
      },
      { model: 'regularized', steps: 50, imageIndices: [], cleanAccuracy: 1, repeats: [], score: scores[1] },
    ],
  };
}

describe('aggregate', () => {
  const cells = [
    cell(3, [0.9, 0.6, 0.3], [0.8, 0.7, 0.5], [0.001, 0.004]),
    cell(1, [0.96, 0.7, 0.2], [0.84, 0.72, 0.6], [0.002, 0.006]),
    cell(2, [0.93, 0.5, 0.1], [0.82, 0.68, 0.4], [0.003, 0.005]),
  ];

  it('gives the mean and SEM (sample sd / √n) over seeds, per model, attack and ε', () => {
    const s = aggregate(cells);
    expect(s.seeds).toEqual([1, 2, 3]);
    const unreg = s.curves.find((c) => c.model === 'unregularized')!;
    // ε = 0: values 0.96, 0.93, 0.90 → mean 0.93, sd 0.03, SEM 0.03/√3 = 0.017320508.
    expect(unreg.mean[0]).toBeCloseTo(0.93, 12);
    expect(unreg.sem[0]).toBeCloseTo(0.017320508075688773, 12);
    // ε = 0.25: 0.7, 0.5, 0.6 → mean 0.6, sd 0.1, SEM 0.057735027.
    expect(unreg.mean[1]).toBeCloseTo(0.6, 12);
    expect(unreg.sem[1]).toBeCloseTo(0.05773502691896258, 12);
    const reg = s.curves.find((c) => c.model === 'regularized')!;
    // ε = 0.5: 0.6, 0.4, 0.5 → mean 0.5, SEM 0.057735027.
    expect(reg.mean[2]).toBeCloseTo(0.5, 12);
    expect(reg.sem[2]).toBeCloseTo(0.05773502691896258, 12);
    expect(reg.epsilons).toEqual([0, 0.25, 0.5]);
    expect(reg.seeds).toEqual([1, 2, 3]);
    // Boundary: 0.004, 0.006, 0.005 (seed order 1, 2, 3 → 0.006, 0.005, 0.004) → mean 0.005, SEM 0.000577350.
    const b = s.boundary.find((x) => x.model === 'regularized')!;
    expect(b.values).toEqual([0.006, 0.005, 0.004]);
    expect(b.mean).toBeCloseTo(0.005, 12);
    expect(b.sem).toBeCloseTo(0.0005773502691896258, 12);
  });

  it('reports no SEM for one seed', () => {
    const s = aggregate([cells[0]]);
    expect(s.curves[0].sem).toEqual([null, null, null]);
    expect(s.curves[0].mean).toEqual([0.9, 0.6, 0.3]);
  });

  it('refuses to mix cells whose spec hashes differ, and duplicate seeds', () => {
    const odd = cell(4, [1, 1, 1], [1, 1, 1], [0, 0], 'def');
    let error: unknown;
    try {
      aggregate([...cells, odd]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecHashMismatchError);
    expect(error).toMatchObject({ code: 'SPEC_HASH_MISMATCH', expected: 'abc', found: 'def' });
    expect(() => aggregate([cells[0], cells[0]])).toThrow(InvalidOptionError);
    expect(() => aggregate([])).toThrow(NoResultsError);
  });

  it('writes a CSV row per model, attack and ε, and Markdown tables', () => {
    const csv = summaryToCsv(aggregate(cells)).trim().split('\n');
    expect(csv[0]).toBe('model,attack,metric,epsilon,mean,sem,n,seeds');
    expect(csv).toHaveLength(1 + 2 * 3 + 2);
    const [model, attack, metric, eps, mean, sem, n, seeds] = csv[1].split(',');
    expect([model, attack, metric, eps, n, seeds]).toEqual([
      'unregularized',
      'gaussian-noise',
      'accuracy',
      '0',
      '3',
      '1 2 3',
    ]);
    expect(Number(mean)).toBeCloseTo(0.93, 12);
    expect(Number(sem)).toBeCloseTo(0.017320508075688773, 12);
    expect(csv[7].startsWith('unregularized,boundary,median squared L2 per pixel,,')).toBe(true);
    const md = summaryTables(aggregate(cells));
    expect(md).toContain('| unregularized | 93.0 ± 1.7 | 60.0 ± 5.8 | 20.0 ± 5.8 |');
    expect(md).toContain('| regularized | 5.000e-3 | 5.77e-4 | 1, 2, 3 |');
  });
});
