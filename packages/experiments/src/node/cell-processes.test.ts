import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CellProcessFailedError, ExperimentsError } from '../errors';
import { getExperiment } from '../experiments';
import { PRESETS } from '../presets';
import { resolveExperiment } from '../resolve';
import { runCellProcesses } from './cell-processes';
import { reproduceInProcesses } from './reproduce';

const dir = mkdtempSync(join(tmpdir(), 'pixsim-cell-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for `pixsim run`: `node -e CELL <seed> <log>` logs its start and end to <log>, then ends the way
 * its seed says: 1, 4: finished; 2: interrupted (143, as after SIGTERM); 3: a typed error (status 2).
 * On SIGTERM it stops at once with 143, as a cell does at its next step.
 */
const CELL = `
const fs = require('node:fs');
const [seed, log, ms] = [Number(process.argv[1]), process.argv[2], Number(process.argv[3])];
fs.appendFileSync(log, 'start ' + seed + '\\n');
process.on('SIGTERM', () => { fs.appendFileSync(log, 'term ' + seed + '\\n'); process.exit(143); });
process.stderr.write('[cell ' + seed + '] epoch 1/1\\n');
setTimeout(() => {
  fs.appendFileSync(log, 'end ' + seed + '\\n');
  if (seed === 2) process.exit(143);
  if (seed === 3) { process.stderr.write('pixsim: DATA_NOT_FOUND: no data in /nowhere'); process.exit(2); }
  process.exit(0);
}, ms);
`;

describe('runCellProcesses', () => {
  it('runs at most `jobs` cells at once, copies their stderr and reports how each ended', async () => {
    const log = join(dir, 'a.log');
    const stderr: string[] = [];
    const outcomes = await runCellProcesses({
      command: [process.execPath, '-e', CELL],
      argsFor: (seed) => [String(seed), log, '300'],
      seeds: [1, 2, 3, 4],
      jobs: 2,
      output: { write: (s: string) => stderr.push(s) },
    });
    expect(outcomes.map((o) => [o.seed, o.status, o.exitCode])).toEqual([
      [1, 'finished', 0],
      [2, 'interrupted', 143],
      [3, 'failed', 2],
      [4, 'finished', 0],
    ]);
    expect(outcomes[2].lastError).toBe('pixsim: DATA_NOT_FOUND: no data in /nowhere');
    expect(stderr.join('')).toContain('[cell 4] epoch 1/1\n');
    // Never more than two at once, and two at once at some point.
    let active = 0;
    let most = 0;
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      active += line.startsWith('start') ? 1 : -1;
      most = Math.max(most, active);
    }
    expect(most).toBe(2);
  });

  it('on abort, sends the running cells SIGTERM and starts no new one', async () => {
    const log = join(dir, 'b.log');
    const controller = new AbortController();
    const pending = runCellProcesses({
      command: [process.execPath, '-e', CELL],
      argsFor: (seed) => [String(seed), log, '20000'],
      seeds: [1, 4, 5],
      jobs: 2,
      signal: controller.signal,
      output: null,
    });
    // Once both have started (each logs its start first thing).
    for (let i = 0; i < 200 && (readFileSyncOr(log).match(/start/g)?.length ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    controller.abort();
    const outcomes = await pending;
    expect(outcomes.map((o) => o.status)).toEqual(['interrupted', 'interrupted', 'not-started']);
    expect(readFileSync(log, 'utf8')).toContain('term 1');
  });

  it('reports a command that cannot start as a failed cell', async () => {
    const [outcome] = await runCellProcesses({
      command: [join(dir, 'no-such-program')],
      argsFor: () => [],
      seeds: [7],
      jobs: 1,
      output: null,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.lastError).toContain('ENOENT');
  });
});

describe('reproduceInProcesses', () => {
  it('waits for every cell, then throws CellProcessFailedError naming the failed seeds and their errors', async () => {
    const log = join(dir, 'c.log');
    const experiment = resolveExperiment(getExperiment('fig2a'), PRESETS.smoke);
    const error = await reproduceInProcesses({
      experiment,
      out: join(dir, 'results'),
      seeds: [3, 1],
      jobs: 1,
      command: [process.execPath, '-e', CELL],
      argsFor: (seed) => [String(seed), log, '50'],
      output: null,
      progress: null,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CellProcessFailedError);
    expect(ExperimentsError.isInstance(error, 'CELL_PROCESS_FAILED')).toBe(true);
    const failed = error as CellProcessFailedError;
    expect(failed.dir).toBe(join(dir, 'results', 'fig2a', 'smoke'));
    expect(failed.failed).toEqual([
      { seed: 3, status: 2, signal: null, lastError: 'pixsim: DATA_NOT_FOUND: no data in /nowhere' },
    ]);
    expect(failed.message).toContain('seed 3 (exit status 2: pixsim: DATA_NOT_FOUND');
    // The other cell still ran to its end.
    expect(readFileSync(log, 'utf8')).toContain('end 1');
  });
});

function readFileSyncOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
