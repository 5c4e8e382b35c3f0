import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@pixsim/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExperiment, getPreset, validatePreset } from '../index';
import { resolveExperiment } from '../resolve';
import type { CellResult } from '../result';
import { CellLockedError, SpecHashMismatchError } from '../errors';
import { acquireCellLock } from './cell-lock';
import { runCell } from './run-cell';

const out = mkdtempSync(join(tmpdir(), 'pixsim-cell-'));
// The wasm engine with our training kernels (one thread, as the child process below): ~10× the cpu engine.
beforeAll(async () => {
  await initBackend('wasm', { log: false });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** fig2a at a tiny scale with a checkpoint every step: 2 epochs × 5 steps per model. */
const spec = {
  ...getExperiment('fig2a'),
  id: 'resume-check',
  training: { ...getExperiment('fig2a').training, checkpointEverySteps: 1 },
};
const preset = validatePreset({
  name: 'resume',
  seeds: [1],
  scale: { width: 2, trainImages: 320, testImages: 60, regularizationImages: 32, epochs: 2 },
});

function comparable(r: CellResult) {
  return {
    models: r.models.map((m) => [m.role, m.fingerprint, m.bestEpoch, m.steps]),
    curves: r.curves,
    hash: r.specHash,
  };
}

let reference: Promise<Awaited<ReturnType<typeof runCell>>> | undefined;
/** The resume-check cell run without interruption (once per file). */
function uninterrupted() {
  reference ??= runCell({
    experiment: resolveExperiment(spec, preset),
    seed: 1,
    out: join(out, 'uninterrupted'),
    progress: null,
  });
  return reference;
}

/** `pixsim run` of the resume-check cell into `into`, as a child process. */
function runChild(into: string) {
  const specFile = join(out, 'spec.json');
  const presetFile = join(out, 'preset.json');
  writeFileSync(specFile, JSON.stringify(spec));
  writeFileSync(presetFile, JSON.stringify(preset));
  const args = ['src/bin.ts', 'run', specFile, '--preset', presetFile, '--seed', '1', '--out', into];
  // `node --import tsx` (one process, unlike the tsx launcher) so that the signals reach pixsim itself.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args, '--backend', 'wasm', '--threads', '1'], {
    cwd: packageDir,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, cell: join(into, 'resume-check', 'resume', 'seed-1') };
}

describe('runCell', () => {
  it('runs a smoke cell of fig2a on real MNIST, leaks no tensor, and skips it when run again', async () => {
    const experiment = resolveExperiment(getExperiment('fig2a'), getPreset('smoke'));
    const before = tf.memory().numTensors;
    const first = await runCell({ experiment, seed: 1, out, progress: null });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.status).toBe('finished');
    const r = first.result!;
    expect(r.models.map((m) => m.role)).toEqual(['unregularized', 'regularized']);
    expect(r.models[0].fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(r.models[0].fingerprint).not.toBe(r.models[1].fingerprint);
    expect(r.curves.map((c) => [c.model, c.attack, c.epsilons.length, c.n])).toEqual([
      ['unregularized', 'gaussian-noise', 10, 100],
      ['regularized', 'gaussian-noise', 10, 100],
    ]);
    expect(r.data).toMatchObject({
      task: { trainImages: 320, testImages: 100 },
      regularization: { n: 48 },
      pairs: (48 * 47) / 2,
    });
    expect(r.environment.packages['@pixsim/regularizer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.values(r.environment.kernelPaths as Record<string, number>).some((n) => n > 0)).toBe(true);
    expect(Object.keys(r.phases)).toEqual(
      expect.arrayContaining(['data', 'targets', 'train:regularized', 'eval:regularized:gaussian-noise']),
    );
    expect(r.models[1].history[0].simLoss).toBeGreaterThan(0);
    const dir = join(out, 'fig2a', 'smoke', 'seed-1');
    expect(existsSync(join(dir, 'models', 'regularized', 'metrics.jsonl'))).toBe(true);
    expect(existsSync(join(dir, 'models', 'regularized', 'final', 'model.json'))).toBe(true);
    const again = await runCell({ experiment, seed: 1, out, progress: null });
    expect(again.status).toBe('skipped');
    expect(again.result).toEqual(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
    // Another spec in the same folder is refused, never mixed.
    const other = resolveExperiment(
      { ...getExperiment('fig2a'), regularization: { ...getExperiment('fig2a').regularization, alpha: 5 } },
      getPreset('smoke'),
    );
    await expect(runCell({ experiment: other, seed: 1, out, progress: null })).rejects.toThrow(
      SpecHashMismatchError,
    );
  });

  it('resumes a killed run from its checkpoints with the same result as an uninterrupted run', async () => {
    const experiment = resolveExperiment(spec, preset);
    const reference = await uninterrupted();
    const killedOut = join(out, 'killed');
    const { child, exited, cell } = runChild(killedOut);
    const checkpoint = join(cell, 'models', 'regularized', 'checkpoints', 'last', 'model.json');
    // Kill the process (SIGKILL: no clean-up) once the regularized model has saved a mid-training checkpoint.
    const deadline = Date.now() + 120_000;
    while (!existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    expect(await exited).toBe(null); // killed, not finished
    expect(existsSync(join(cell, 'result.json'))).toBe(false);
    expect(existsSync(join(cell, 'models', 'unregularized', 'record.json'))).toBe(true);
    // Its lock stays behind (a dead pid on this host) and is taken over.
    expect(existsSync(join(cell, 'cell.lock'))).toBe(true);
    const resumed = await runCell({ experiment, seed: 1, out: killedOut, progress: null });
    expect(resumed.status).toBe('finished');
    expect(existsSync(join(cell, 'cell.lock'))).toBe(false);
    expect(comparable(resumed.result!)).toEqual(comparable(reference.result!));
  });

  it('stops at the next step on SIGTERM (a requeued or cancelled Slurm task), releases its lock, and resumes to the same result', async () => {
    const { child, exited, cell } = runChild(join(out, 'terminated'));
    const checkpoint = join(cell, 'models', 'unregularized', 'checkpoints', 'last', 'model.json');
    const deadline = Date.now() + 120_000;
    while (!existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(existsSync(join(cell, 'cell.lock'))).toBe(false);
    expect(existsSync(join(cell, 'failure.json'))).toBe(false);
    expect(existsSync(join(cell, 'result.json'))).toBe(false);
    const resumed = await runCell({
      experiment: resolveExperiment(spec, preset),
      seed: 1,
      out: join(out, 'terminated'),
      progress: null,
    });
    expect(comparable(resumed.result!)).toEqual(comparable((await uninterrupted()).result!));
  });

  it('refuses a cell whose lock a live process holds, and records a failure for pixsim status', async () => {
    const experiment = resolveExperiment(getExperiment('fig3b'), getPreset('smoke'));
    const cell = join(out, 'locked', 'fig3b', 'smoke', 'seed-1');
    const lock = await acquireCellLock(cell);
    await expect(runCell({ experiment, seed: 1, out: join(out, 'locked'), progress: null })).rejects.toThrow(
      CellLockedError,
    );
    lock.release();
    const failed = await runCell({
      experiment,
      seed: 1,
      out: join(out, 'locked'),
      dataDir: join(out, 'no-cifar-here'),
      progress: null,
    }).catch((e: unknown) => e);
    // The CIFAR loader of @pixsim/datasets refuses the missing folder.
    expect((failed as { code?: string }).code).toBe('MISSING_FILE');
    expect(JSON.parse(readFileSync(join(cell, 'failure.json'), 'utf8'))).toMatchObject({
      pid: process.pid,
      error: { name: 'MissingFileError', code: 'MISSING_FILE', message: (failed as Error).message },
    });
    expect(existsSync(join(cell, 'cell.lock'))).toBe(false);
  });
});
