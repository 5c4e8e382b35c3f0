import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CellLockedError, ExperimentsError } from '../errors';
import {
  acquireCellLock,
  currentHolder,
  judgeLock,
  LOCK_FILE,
  type LockRecord,
  slurmIdentity,
} from './cell-lock';

const root = mkdtempSync(join(tmpdir(), 'pixsim-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const cell = () => join(root, `cell-${n++}`);

/** A pid that existed on this host and has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

function writeLock(dir: string, record: Partial<LockRecord>): void {
  const full = { host: hostname(), pid: 1, startedAt: '2026-01-01T00:00:00.000Z', token: 'old', ...record };
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(full));
}

describe('cell locks', () => {
  it('are created exclusively; a live holder is a CellLockedError with its host and pid; release removes the lock', async () => {
    const dir = cell();
    const lock = await acquireCellLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      host: hostname(),
      pid: process.pid,
    });
    const error = await acquireCellLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CellLockedError);
    expect(ExperimentsError.isInstance(error, 'CELL_LOCKED')).toBe(true);
    expect((error as CellLockedError).holder).toMatchObject({ host: hostname(), pid: process.pid });
    expect((error as CellLockedError).message).toContain(join(dir, LOCK_FILE));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    (await acquireCellLock(dir)).release();
  });

  it('takes over the lock of a dead pid on this host', async () => {
    const dir = cell();
    const pid = deadPid();
    writeLock(dir, { pid });
    const lock = await acquireCellLock(dir);
    expect(lock.tookOver).toBe(`pid ${pid} on ${hostname()} is dead`);
    expect(lock.record.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over the lock of the same Slurm array task (requeued, on any node), not of another task', async () => {
    const env = {
      SLURM_JOB_ID: '120',
      SLURM_ARRAY_JOB_ID: '117',
      SLURM_ARRAY_TASK_ID: '3',
      SLURM_RESTART_COUNT: '1',
    };
    expect(slurmIdentity(env)).toEqual({
      jobId: '120',
      arrayJobId: '117',
      arrayTaskId: '3',
      restartCount: 1,
    });
    const dir = cell();
    const slurm = { jobId: '120', arrayJobId: '117', arrayTaskId: '3' };
    writeLock(dir, { host: 'node-7', pid: process.pid, slurm, slurmJob: '117_3' });
    const lock = await acquireCellLock(dir, { env, probe: () => true });
    expect(lock.tookOver).toBe('same Slurm task 117_3, requeued');
    expect(lock.record.slurmJob).toBe('117_3');
    lock.release();
    writeLock(dir, { host: 'node-7', pid: 5, slurm: { ...slurm, arrayTaskId: '2' }, slurmJob: '117_2' });
    await expect(acquireCellLock(dir, { env, probe: () => true })).rejects.toThrow(/node-7, Slurm job 117_2/);
    // …unless squeue says that job has ended.
    const after = await acquireCellLock(dir, { env, probe: (job) => (job === '117_2' ? false : undefined) });
    expect(after.tookOver).toBe('Slurm job 117_2 has ended');
    after.release();
  });

  it('takes over the lock of a retried pod of the same Kubernetes completion index, not of another index', () => {
    const env = { PIXSIM_K8S_JOB: 'pixsim-fig2a-paper-cells', JOB_COMPLETION_INDEX: '5' };
    const self = currentHolder(env);
    expect(self.k8sTask).toBe('pixsim-fig2a-paper-cells/5');
    const lock = (index: string) =>
      JSON.stringify({
        host: 'pod-a',
        pid: 7,
        startedAt: 'x',
        token: 't',
        k8sTask: `pixsim-fig2a-paper-cells/${index}`,
      });
    expect(judgeLock(lock('5'), 10, self)).toMatchObject({
      state: 'stale',
      reason: 'same Kubernetes index pixsim-fig2a-paper-cells/5, retried',
    });
    expect(judgeLock(lock('4'), 10, self, () => undefined).state).toBe('live');
  });

  it('presumes a holder on another node without Slurm alive; an unreadable lock is stale after a minute', () => {
    const self = currentHolder({});
    const other = JSON.stringify({ host: 'node-9', pid: 4, startedAt: 'x', token: 't' });
    expect(judgeLock(other, 10, self, () => undefined).state).toBe('live');
    expect(judgeLock('{"host": "no', 1000, self).state).toBe('live');
    expect(judgeLock('', 61_000, self)).toMatchObject({
      state: 'stale',
      reason: 'unreadable lock older than a minute',
    });
    const dir = cell();
    writeLock(dir, {});
    writeFileSync(join(dir, LOCK_FILE), '');
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    return acquireCellLock(dir).then((lock) => lock.release());
  });

  it('release leaves a successor’s lock alone', async () => {
    const dir = cell();
    const lock = await acquireCellLock(dir);
    writeLock(dir, { pid: process.pid, token: 'successor' });
    lock.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).token).toBe('successor');
  });

  it('lets exactly one of several processes take over a stale lock', async () => {
    const dir = cell();
    writeLock(dir, { pid: deadPid() });
    const packageDir = fileURLToPath(new URL('../..', import.meta.url));
    const tsx = join(packageDir, '../../node_modules/.bin/tsx');
    const go = join(root, 'go');
    const done = join(root, 'done');
    // Each child waits for the start file (so that they contend at once), tries, says what it got; the winner
    // holds the lock until every child has answered.
    const code = `import { existsSync } from 'node:fs';
      import { acquireCellLock } from './src/node/cell-lock.ts';
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      while (!existsSync(process.argv[1])) await sleep(10);
      try { const l = await acquireCellLock(process.argv[3]); console.log('won');
        while (!existsSync(process.argv[2])) await sleep(20); l.release(); }
      catch (e) { console.log(e.code ?? e.message); }`;
    const answers: string[] = [];
    const answer = (text: string) => {
      answers.push(text);
      if (answers.length === 4) writeFileSync(done, '');
    };
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(tsx, ['--input-type=module', '-e', code, go, done, dir], { cwd: packageDir });
      let said = false;
      child.stdout.on('data', (d) => {
        said = true;
        answer(String(d).trim());
      });
      return new Promise<void>((resolve) =>
        child.on('exit', (status) => {
          if (!said) answer(`exited with ${status}`);
          resolve();
        }),
      );
    });
    await new Promise((r) => setTimeout(r, 3000));
    writeFileSync(go, '');
    await Promise.all(children);
    expect(answers.sort()).toEqual(['CELL_LOCKED', 'CELL_LOCKED', 'CELL_LOCKED', 'won']);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
