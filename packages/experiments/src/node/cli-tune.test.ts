import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithData } from '../../../../test-support/real-data';
import type { CellResult } from '../result';
import type { TuneResult } from '../tune';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const out = mkdtempSync(join(tmpdir(), 'pixsim-cli-tune-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pixsim(...args: string[]) {
  const r = spawnSync(tsx, ['src/bin.ts', ...args], { cwd: packageDir, encoding: 'utf8', timeout: 280_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const engine = ['--backend', 'wasm', '--threads', '1'];
const grid = ['--alphas', '1,10', '--ths', '0.4,0.8', '--seeds', '1'];

/** A CIFAR-10 folder whose test set is scrambled: its label and pixel bytes shuffled with a fixed seed. */
function poisonedCifar(source: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['data_batch_1.bin', 'batches.meta.txt']) symlinkSync(join(source, f), join(dir, f));
  const bytes = Buffer.from(readFileSync(join(source, 'test_batch.bin')));
  let state = 12345;
  for (let i = bytes.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [bytes[i], bytes[j]] = [bytes[j], bytes[i]];
  }
  // Labels must stay classes 0–9 for the file to load: keep each record's first byte in range.
  for (let r = 0; r < bytes.length; r += 3073) bytes[r] %= 10;
  writeFileSync(join(dir, 'test_batch.bin'), bytes);
  return dir;
}

describe('pixsim tune: attacks the rule cannot score', () => {
  it('the Boundary Attack experiment is refused with a typed error saying why', () => {
    const r = pixsim(
      'tune',
      'boundary',
      '--preset',
      'smoke',
      ...grid,
      '--out',
      join(out, 'boundary'),
      ...engine,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TUNE_METRIC_UNSUPPORTED');
    expect(r.stderr).toContain('reports a distance instead (larger is more robust)');
    const bad = pixsim('tune', 'fig3b', '--preset', 'smoke', '--alphas', '1,x', '--ths', '0.4', '--out', out);
    expect(bad.stderr).toContain('INVALID_OPTION: --alphas');
  });
});

describeWithData(['cifar10'], 'pixsim tune and reproduce --tuned on real CIFAR-10 (smoke)', ([CIFAR10]) => {
  const tuneOut = join(out, 'tune');
  const tuneFolder = join(tuneOut, 'fig3b-tune', 'smoke');

  it('tune fig3b writes tune.json with 4 cells and a selection, the table and the heatmap; the test set is never read', () => {
    const r = pixsim(
      'tune',
      'fig3b',
      '--preset',
      'smoke',
      ...grid,
      '--out',
      tuneOut,
      '--data-dir',
      CIFAR10,
      ...engine,
    );
    expect(r.status, r.stderr).toBe(0);
    const tune = readJson<TuneResult>(join(tuneFolder, 'tune.json'));
    expect(tune).toMatchObject({ format: 'pixsim-tune-1', experiment: 'fig3b', preset: 'smoke', seeds: [1] });
    expect(tune.cells.map((c) => [c.alpha, c.th])).toEqual([
      [1, 0.4],
      [1, 0.8],
      [10, 0.4],
      [10, 0.8],
    ]);
    expect('selected' in tune).toBe(true);
    for (const c of tune.cells) expect(typeof c.passes).toBe('boolean');
    expect(r.stdout).toContain('| α | Th | R0/U0 |');
    expect(readFileSync(join(tuneFolder, 'tune.md'), 'utf8')).toContain('| 10 | 0.8 |');
    expect(readFileSync(join(tuneFolder, 'tune.svg'), 'utf8').startsWith('<svg')).toBe(true);
    expect(readFileSync(join(tuneFolder, 'tune.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(tuneFolder, 'tune.vl.json'))).toBe(true);
    // One baseline cell per seed trained the FGSM surrogate; the regularized cells reloaded it.
    expect(r.stderr).toContain('surrogate: trained by');
    // What a cell records: the validation split, the optimiser, the source commit, softmax(w) per epoch.
    const cell = readJson<CellResult>(
      join(tuneOut, 'fig3b-tune-a10-th0p8', 'smoke', 'seed-1', 'result.json'),
    );
    expect(cell.format).toBe('pixsim-result-2');
    expect(cell.data.task.evaluatedOn).toBe('validation');
    expect(cell.data.task.trainImages + cell.data.task.testImages).toBe(320);
    expect(cell.training).toMatchObject({ optimizer: 'sgd-momentum', momentum: 0.9, weightDecay: 0 });
    expect(cell.environment.sourceCommit).toMatch(/^[0-9a-f]{40}$/);
    const pi = cell.models.find((m) => m.role === 'regularized')?.history[0].tapWeights as number[];
    expect(pi).toHaveLength(5);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    // The same tune with a scrambled test set chooses the same, from the same numbers.
    const poisoned = poisonedCifar(CIFAR10, join(out, 'poisoned-cifar'));
    const p = pixsim(
      'tune',
      'fig3b',
      '--preset',
      'smoke',
      ...grid,
      '--out',
      join(out, 'poisoned'),
      '--data-dir',
      poisoned,
      ...engine,
    );
    expect(p.status, p.stderr).toBe(0);
    const again = readJson<TuneResult>(join(out, 'poisoned', 'fig3b-tune', 'smoke', 'tune.json'));
    expect(again.selected).toEqual(tune.selected);
    expect(again.cells).toEqual(tune.cells);
    expect(again.baselines).toEqual(tune.baselines);
  });

  it('reproduce --tuned uses the selected pair on held-out seeds and records where it came from; refuses none selected and tuned seeds', () => {
    const tune = readJson<TuneResult>(join(tuneFolder, 'tune.json'));
    const none = join(out, 'none');
    const chosen = join(out, 'chosen');
    writeFileSync(
      join(mkdirSync(none, { recursive: true }) ?? none, 'tune.json'),
      JSON.stringify({ ...tune, selected: null }),
    );
    writeFileSync(
      join(mkdirSync(chosen, { recursive: true }) ?? chosen, 'tune.json'),
      JSON.stringify({ ...tune, selected: { alpha: 1, th: 0.4 } }),
    );
    const reproduce = (tuned: string, seeds: string, into = join(out, 'tuned')) =>
      pixsim(
        'reproduce',
        'fig3b',
        '--preset',
        'smoke',
        '--tuned',
        tuned,
        '--seeds',
        seeds,
        '--out',
        into,
        '--data-dir',
        CIFAR10,
        ...engine,
      );
    const refused = reproduce(none, '2');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('NO_TUNED_PAIR');
    const overlap = reproduce(chosen, '1-2');
    expect(overlap.status).toBe(2);
    expect(overlap.stderr).toContain('TUNE_SEED_OVERLAP');
    expect(overlap.stderr).toContain('seed 1 would evaluate the pair on the seeds that chose it');
    const both = pixsim(
      'reproduce',
      'fig3b',
      '--preset',
      'smoke',
      '--tuned',
      chosen,
      '--alpha',
      '1',
      '--th',
      '0.4',
    );
    expect(both.stderr).toContain('INVALID_OPTION');

    const r = reproduce(chosen, '2');
    expect(r.status, r.stderr).toBe(0);
    const dir = join(out, 'tuned', 'fig3b-a1-th0p4', 'smoke');
    const result = readJson<CellResult>(join(dir, 'seed-2', 'result.json'));
    expect(result.spec.regularization).toMatchObject({ alpha: 1, th: 0.4 });
    expect(result.spec.title).toContain('(α = 1, Th = 0.4)');
    expect(result.spec.tuned).toMatchObject({
      source: 'tune',
      replaced: { alpha: 10, th: 0.8 },
      file: join(chosen, 'tune.json'),
      tuneSeeds: [1],
      tunePreset: 'smoke',
    });
    expect(result.data.task.evaluatedOn).toBe('test');
    expect(result.models.find((m) => m.role === 'regularized')?.alpha).toBe(1);
    const note = result.notes.find((n) => n.startsWith('Tuned pair α = 1, Th = 0.4'));
    expect(note).toContain(join(chosen, 'tune.json'));
    expect(readFileSync(join(dir, 'fig3b-a1-th0p4.svg'), 'utf8')).toContain('Tuned pair α = 1, Th = 0.4');
  });
});
