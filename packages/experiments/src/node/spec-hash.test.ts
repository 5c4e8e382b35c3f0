import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate } from '../aggregate';
import { SpecHashMismatchError } from '../errors';
import { getExperiment, getPreset } from '../index';
import { resolveExperiment } from '../resolve';
import type { CellResult } from '../result';
import { writeJson } from './files';
import { cellDir, runCell } from './run-cell';
import { legacySpecHashOf, specHashOf } from './spec-hash';
import { planTune } from './tune-plan';

const out = mkdtempSync(join(tmpdir(), 'pixsim-spec-hash-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const smoke = getPreset('smoke');
const fig2a = resolveExperiment(getExperiment('fig2a'), smoke);

/** A finished result of `experiment` as pixsim would write it (the parts the hash checks read). */
function finished(experiment = fig2a, format = 'pixsim-result-2', specHash = specHashOf(experiment, {})) {
  return {
    format,
    experiment: experiment.spec.id,
    preset: experiment.preset.name,
    seed: 1,
    specHash,
    spec: experiment.spec,
    presetSpec: experiment.preset,
    reductions: [],
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
    curves: [{ model: 'unregularized', attack: 'gaussian-noise', n: 1, epsilons: [0], accuracy: [1] }],
    boundary: [],
  } as unknown as CellResult;
}

describe('the spec hash covers what a cell computes, not its words', () => {
  it("editing the spec's description or title, or the preset's description or seeds, keeps the hash", () => {
    const edited = resolveExperiment(
      { ...getExperiment('fig2a'), description: 'reworded', title: 'Another title' },
      { ...smoke, description: 'reworded too', seeds: [4, 5, 6] },
    );
    expect(specHashOf(edited, {})).toBe(specHashOf(fig2a, {}));
    // The hash of version 1 results covered them all.
    expect(legacySpecHashOf(edited, {})).not.toBe(legacySpecHashOf(fig2a, {}));
    const alpha = resolveExperiment(
      { ...getExperiment('fig2a'), regularization: { ...fig2a.spec.regularization, alpha: 3 } },
      smoke,
    );
    expect(specHashOf(alpha, {})).not.toBe(specHashOf(fig2a, {}));
    const width = resolveExperiment(getExperiment('fig2a'), {
      ...smoke,
      scale: { ...smoke.scale, width: 4 },
    });
    expect(specHashOf(width, {})).not.toBe(specHashOf(fig2a, {}));
  });

  it("a tune cell's identity is its (α, Th), role and validation split", () => {
    const grid = { alphas: [1, 10], ths: [0.4, 0.8], seeds: [1] };
    const fig3b = resolveExperiment(getExperiment('fig3b'), smoke);
    const plan = planTune(fig3b, grid);
    const hashes = [plan.baseline, ...plan.pairs.map((p) => p.experiment)].map((e) => specHashOf(e, {}));
    expect(new Set(hashes).size).toBe(5);
    const other = planTune(fig3b, { ...grid, validationFraction: 0.2 });
    expect(specHashOf(other.pairs[0].experiment, {})).not.toBe(hashes[1]);
    // Only the words differ: same cells.
    const reworded = planTune(
      resolveExperiment({ ...getExperiment('fig3b'), description: 'new words' }, smoke),
      grid,
    );
    expect(specHashOf(reworded.pairs[0].experiment, {})).toBe(hashes[1]);
  });

  it('a finished cell of version 1 (old hash) or with edited words is skipped; another science is refused', async () => {
    const dir = (e: typeof fig2a) => cellDir(out, e.spec.id, e.preset.name, 1);
    writeJson(
      join(dir(fig2a), 'result.json'),
      finished(fig2a, 'pixsim-result-1', legacySpecHashOf(fig2a, {})),
    );
    const run = (experiment: typeof fig2a) => runCell({ experiment, seed: 1, out, progress: null });
    expect((await run(fig2a)).status).toBe('skipped');
    const reworded = resolveExperiment({ ...getExperiment('fig2a'), description: 'reworded' }, smoke);
    expect((await run(reworded)).status).toBe('skipped');
    const alpha = resolveExperiment(
      { ...getExperiment('fig2a'), regularization: { ...fig2a.spec.regularization, alpha: 3 } },
      smoke,
    );
    await expect(run(alpha)).rejects.toBeInstanceOf(SpecHashMismatchError);
  });

  it('aggregate mixes a version 1 and a version 2 cell of the same science, and no other', () => {
    const old = finished(fig2a, 'pixsim-result-1', 'old-hash');
    const current = { ...finished(), seed: 2 };
    expect(aggregate([old, current]).seeds).toEqual([1, 2]);
    const alpha = resolveExperiment(
      { ...getExperiment('fig2a'), regularization: { ...fig2a.spec.regularization, alpha: 3 } },
      smoke,
    );
    expect(() => aggregate([old, { ...finished(alpha), seed: 2 }])).toThrow(SpecHashMismatchError);
    // Within one version the hashes decide.
    expect(() => aggregate([old, { ...old, seed: 2, specHash: 'other' }])).toThrow(SpecHashMismatchError);
  });
});
