import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../../errors';
import { recordFailure } from '../cell-failure';
import { acquireCellLock } from '../cell-lock';
import { writeJson } from '../files';
import { planSweep } from './plan';
import { request } from './sweep.fixture';
import { formatStatus, sweepStatus, waitForSweep } from './status';

const root = mkdtempSync(join(tmpdir(), 'pixsim-status-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function sweepWithEveryState() {
  const m = await planSweep({ ...request, out: root, seeds: [1, 2, 3] });
  writeJson(join(root, 'sweeps', m.name, 'sweep.json'), m);
  const at = (rel: string) => join(root, rel);
  writeJson(at('fig2a/smoke/seed-1/result.json'), { finishedAt: '2026-01-02T03:04:05.000Z' });
  const lock = await acquireCellLock(at('fig2a/smoke/seed-2'));
  const dead = Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
  );
  mkdirSync(at('fig2a/smoke/seed-3'), { recursive: true });
  writeFileSync(
    at('fig2a/smoke/seed-3/cell.lock'),
    JSON.stringify({ host: hostname(), pid: dead, startedAt: 'x', token: 't' }),
  );
  recordFailure(at('noise-fashion-mnist/smoke/seed-1'), new Error('out of memory'));
  writeJson(at('noise-fashion-mnist/smoke/seed-2/cell.json'), { startedAt: '2026-01-02T00:00:00.000Z' });
  // A cell of no sweep, found on disk.
  writeJson(at('fig3b/cpu/seed-1/result.json'), { finishedAt: 'earlier' });
  return { m, lock, dead };
}

describe('pixsim status', () => {
  it('tells done, running, failed (stale lock or recorded failure), interrupted and missing cells apart', async () => {
    const { m, lock, dead } = await sweepWithEveryState();
    const report = sweepStatus(root);
    const states = Object.fromEntries(report.cells.map((c) => [c.dir, [c.state, c.expected]]));
    expect(states).toEqual({
      'fig2a/smoke/seed-1': ['done', true],
      'fig2a/smoke/seed-2': ['running', true],
      'fig2a/smoke/seed-3': ['failed', true],
      'fig3b/cpu/seed-1': ['done', false],
      'noise-fashion-mnist/smoke/seed-1': ['failed', true],
      'noise-fashion-mnist/smoke/seed-2': ['interrupted', true],
      'noise-fashion-mnist/smoke/seed-3': ['missing', true],
    });
    expect(report.counts).toEqual({ done: 2, running: 1, failed: 2, interrupted: 1, missing: 1 });
    const text = formatStatus(report);
    expect(text).toContain(
      `running     fig2a/smoke/seed-2                pid ${process.pid} on ${hostname()}`,
    );
    expect(text).toContain(`stale lock: pid ${dead} on ${hostname()} is dead`);
    expect(text).toContain(': out of memory');
    expect(text).toContain(
      `7 cells (sweep ${m.name}): 2 done, 1 running, 2 failed, 1 interrupted, 1 missing`,
    );
    expect(sweepStatus(root, { sweep: m.name }).cells).toHaveLength(6);
    lock.release();
  });

  it('--wait returns once every expected cell is done, and times out with a typed error', async () => {
    const m = await planSweep({ ...request, out: root, name: 'waiting', experiments: ['fig2b'], seeds: [1] });
    writeJson(join(root, 'sweeps', m.name, 'sweep.json'), m);
    const error = await waitForSweep(root, { sweep: 'waiting', timeoutS: 1, intervalS: 0.2 }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.unfinished).toEqual(['fig2b/smoke/seed-1']);
    setTimeout(() => writeJson(join(root, 'fig2b/smoke/seed-1/result.json'), { finishedAt: 'now' }), 300);
    const report = await waitForSweep(root, { sweep: 'waiting', timeoutS: 30, intervalS: 0.1 });
    expect(report.counts.done).toBe(1);
  });
});
