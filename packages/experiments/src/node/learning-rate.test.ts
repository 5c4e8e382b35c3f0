import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@pixsim/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPresetError, InvalidSpecError } from '../errors';
import { getExperiment, getPreset, validatePreset } from '../index';
import { resolveExperiment } from '../resolve';
import { validateScale } from '../validate';
import { learningRateOf, learningRateWords } from './learning-rate';
import { runCell } from './run-cell';
import { specHashOf } from './spec-hash';

const out = mkdtempSync(join(tmpdir(), 'pixsim-lr-'));
beforeAll(async () => {
  await initBackend('wasm', { log: false });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const smoke = getPreset('smoke');
const withSchedule = (id: string, schedule: unknown, epochs = smoke.scale?.epochs) =>
  resolveExperiment(
    getExperiment(id),
    validatePreset({ ...smoke, scale: { ...smoke.scale, epochs, learningRateSchedule: schedule } }),
  );

describe('scale.learningRateSchedule', () => {
  it("'paper' (or absent) is today's spec: same resolved spec, same spec hash, train()'s default schedule", () => {
    const today = resolveExperiment(getExperiment('fig2a'), smoke);
    const paper = withSchedule('fig2a', 'paper');
    expect(paper.spec).toEqual(today.spec);
    expect('learningRateSchedule' in paper.spec.scale).toBe(false);
    // The hash of fig2a at the smoke preset before the option existed.
    expect(specHashOf(paper, {})).toBe('82e223cbd4d0a9ca');
    expect(learningRateOf(paper.spec)).toBeUndefined();
    expect(learningRateWords(paper.spec)).toBe('cyclic step decay 0.1 · 0.3^⌊(epoch mod 20)/4⌋ per epoch');
    expect(paper.reductions.join(' ')).not.toMatch(/learning-rate/);
  });

  it("'proportional' maps the paper's epochs onto the run's: another hash, listed in the reductions", () => {
    const cifar = withSchedule('fig2b', 'proportional', 8);
    const schedule = learningRateOf(cifar.spec);
    // CIFAR-10: the paper's 40 epochs onto 8, read at epoch × 5.
    expect(Array.from({ length: 8 }, (_, e) => schedule?.(e))).toEqual(
      [0.1, 0.03, 0.009, 0.0027, 0.1, 0.03, 0.009, 0.0027].map((x) => expect.closeTo(x, 12)),
    );
    expect(specHashOf(cifar, {})).not.toBe(specHashOf(withSchedule('fig2b', 'paper', 8), {}));
    expect(cifar.reductions).toContain(
      "learning-rate schedule proportional: the paper's cyclic step decay read at epoch × 40/8 instead of per epoch",
    );
    expect(learningRateWords(cifar.spec)).toMatch(
      /^proportional: .* × 40\/8 \(the paper's 40 epochs mapped onto 8\)$/,
    );
  });

  it('an unknown schedule is an InvalidSpecError in a spec, an InvalidPresetError in a preset', () => {
    const scale = { ...getExperiment('fig2a').scale, learningRateSchedule: 'fast' };
    try {
      validateScale(scale);
      expect.unreachable();
    } catch (error) {
      expect(InvalidSpecError.is(error)).toBe(true);
      expect(error).toMatchObject({ field: 'scale.learningRateSchedule', value: 'fast' });
    }
    expect(() => validatePreset({ ...smoke, byTask: { mnist: { learningRateSchedule: 'linear' } } })).toThrow(
      expect.objectContaining({ field: 'byTask.mnist.learningRateSchedule' }),
    );
    try {
      validatePreset({ ...smoke, scale: { learningRateSchedule: 3 } });
      expect.unreachable();
    } catch (error) {
      expect(InvalidPresetError.is(error)).toBe(true);
      expect((error as Error).message).toMatch(/'paper', 'proportional'/);
    }
  });

  it("a 'proportional' cell trains with the mapped rates: per-epoch history and result.json's training say so", async () => {
    // MNIST: the paper's 20 epochs onto 2, read at epoch × 10 → 0.1, then 0.1 · 0.3².
    const experiment = withSchedule('fig2a', 'proportional', 2);
    const { result } = await runCell({ experiment, seed: 1, out, progress: null });
    for (const m of result!.models) {
      expect(m.history.map((h) => h.learningRate)).toEqual([0.1, expect.closeTo(0.009, 12)]);
    }
    expect(result!.training?.learningRate).toMatch(/^proportional: /);
    expect(result!.reductions.join('; ')).toMatch(/learning-rate schedule proportional/);
  }, 120_000);
});
