import { describe, expect, it } from 'vitest';
import { InvalidOptionError, UnknownExperimentError, UnknownPresetError } from '../../errors';
import { defaultSweepName, indexRanges, planSweep, shellQuote, validateSweepName } from './plan';
import { request } from './sweep.fixture';
import { parseEmitTarget, parseMemory, parseTimeLimit, timeLimitSeconds } from './resources';

describe('planSweep', () => {
  it('lists one cell per (experiment, seed), experiment-major, with its folder', async () => {
    const m = await planSweep(request);
    expect(m.name).toBe('fig2a-noise-fashion-mnist-smoke');
    expect(m.cells.map((c) => [c.index, c.experiment, c.seed, c.dir])).toEqual([
      [0, 'fig2a', 1, 'fig2a/smoke/seed-1'],
      [1, 'fig2a', 2, 'fig2a/smoke/seed-2'],
      [2, 'noise-fashion-mnist', 1, 'noise-fashion-mnist/smoke/seed-1'],
      [3, 'noise-fashion-mnist', 2, 'noise-fashion-mnist/smoke/seed-2'],
    ]);
    expect(m.experimentDirs).toEqual(['fig2a/smoke', 'noise-fashion-mnist/smoke']);
    expect((await planSweep({ ...request, seeds: undefined, experiments: ['fig3b'] })).seeds).toEqual([1, 2]);
  });

  it('refuses unknown experiments and presets, duplicates, no seeds and bad names with typed errors', async () => {
    await expect(planSweep({ ...request, experiments: ['fig9'] })).rejects.toThrow(UnknownExperimentError);
    await expect(planSweep({ ...request, preset: 'huge' })).rejects.toThrow(UnknownPresetError);
    await expect(planSweep({ ...request, experiments: ['fig2a', 'fig2a'] })).rejects.toThrow(/named twice/);
    await expect(planSweep({ ...request, experiments: [] })).rejects.toThrow(InvalidOptionError);
    await expect(planSweep({ ...request, seeds: [] })).rejects.toThrow(/at least one seed/);
    expect(() => validateSweepName('Fig2a_sweep')).toThrow(InvalidOptionError);
    expect(validateSweepName('fig2a-7')).toBe('fig2a-7');
  });

  it('names, ranges and quotes', () => {
    expect(defaultSweepName(['fig2a', 'My Spec!'], 'paper')).toBe('fig2a-my-spec-paper');
    expect(defaultSweepName(['a'.repeat(60)], 'cpu')).toHaveLength(40);
    expect(indexRanges([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    expect(shellQuote('/a/b-c.json')).toBe('/a/b-c.json');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });

  it('checks --emit, --mem and --time', () => {
    expect(parseEmitTarget('k8s')).toBe('k8s');
    expect(() => parseEmitTarget('nomad')).toThrow(/unknown target 'nomad'; use one of 'slurm', 'k8s'/);
    expect(parseMemory('4g')).toBe('4G');
    expect(() => parseMemory('lots')).toThrow(InvalidOptionError);
    expect(timeLimitSeconds('90')).toBe(5400);
    expect(timeLimitSeconds('02:00:00')).toBe(7200);
    expect(timeLimitSeconds('1-12')).toBe(129600);
    expect(timeLimitSeconds('10:30')).toBe(630);
    expect(() => parseTimeLimit('2h')).toThrow(/not a Slurm time limit/);
    expect(() => parseTimeLimit('0')).toThrow(/zero/);
  });
});
