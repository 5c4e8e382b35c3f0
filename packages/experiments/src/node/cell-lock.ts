import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CellLockedError, type LockHolder } from '../errors';
import { createExclusive } from './files';

/** The lock file of a cell folder: created exclusively by the process that runs the cell. */
export const LOCK_FILE = 'cell.lock';

/** Where a process runs under Slurm (from the `SLURM_*` variables of its job). */
export interface SlurmIdentity {
  jobId: string;
  arrayJobId?: string;
  arrayTaskId?: string;
  restartCount?: number;
}

/** The content of a lock file. */
export interface LockRecord extends LockHolder {
  /** Random, to tell this holder's lock from a successor's. */
  token: string;
  /** Start time of the pid (field 22 of `/proc/<pid>/stat`), against pid reuse; absent off Linux. */
  procStart?: string;
  slurm?: SlurmIdentity;
  /** `<job>/<completion index>` of a Kubernetes Indexed Job's pod (`PIXSIM_K8S_JOB`, `JOB_COMPLETION_INDEX`). */
  k8sTask?: string;
}

/** Is a job (`123` or `123_4`) still queued or running? `undefined` when it cannot be told (no squeue). */
export type JobProbe = (job: string) => boolean | undefined;

/** What a lock file says about its cell. */
export type LockVerdict =
  | { state: 'live'; record: LockRecord | null; reason: string }
  | { state: 'stale'; record: LockRecord | null; reason: string };

/** The Slurm job this process runs in, from `env` (default `process.env`); `undefined` outside Slurm. */
export function slurmIdentity(env: NodeJS.ProcessEnv = process.env): SlurmIdentity | undefined {
  if (!env.SLURM_JOB_ID) return undefined;
  return {
    jobId: env.SLURM_JOB_ID,
    ...(env.SLURM_ARRAY_JOB_ID ? { arrayJobId: env.SLURM_ARRAY_JOB_ID } : {}),
    ...(env.SLURM_ARRAY_TASK_ID ? { arrayTaskId: env.SLURM_ARRAY_TASK_ID } : {}),
    ...(env.SLURM_RESTART_COUNT ? { restartCount: Number(env.SLURM_RESTART_COUNT) } : {}),
  };
}

/** `<array job>_<task>` for an array task, else the job id. */
export function slurmJobLabel(s: SlurmIdentity): string {
  return s.arrayJobId && s.arrayTaskId !== undefined ? `${s.arrayJobId}_${s.arrayTaskId}` : s.jobId;
}

function sameSlurmTask(a: SlurmIdentity | undefined, b: SlurmIdentity | undefined): boolean {
  return !!a && !!b && slurmJobLabel(a) === slurmJobLabel(b);
}

/** Start time of a local pid (Linux), or undefined. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number, procStart: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStart(pid);
  return procStart === undefined || now === undefined || now === procStart;
}

/** Asks `squeue` whether a job or array task is still queued or running. */
export const squeueProbe: JobProbe = (job) => {
  const r = spawnSync('squeue', ['-h', '-j', job, '-o', '%T'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return undefined;
  if (r.status !== 0) return /invalid job id/i.test(r.stderr) ? false : undefined;
  return r.stdout.trim().length > 0;
};

/** The record this process writes into a lock. */
export function currentHolder(env: NodeJS.ProcessEnv = process.env): LockRecord {
  const slurm = slurmIdentity(env);
  const procStart = processStart(process.pid);
  const k8sTask =
    env.PIXSIM_K8S_JOB && env.JOB_COMPLETION_INDEX
      ? `${env.PIXSIM_K8S_JOB}/${env.JOB_COMPLETION_INDEX}`
      : undefined;
  return {
    host: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(procStart ? { procStart } : {}),
    ...(slurm ? { slurm, slurmJob: slurmJobLabel(slurm) } : {}),
    ...(k8sTask ? { k8sTask } : {}),
  };
}

/**
 * Judges a lock: stale when its holder is a dead pid on this host, the same Slurm array task as `self`
 * (requeued or preempted, so its old process is gone), the same completion index of the same Kubernetes
 * Indexed Job (a retried pod), or a Slurm job that `probe` says has ended; an
 * unreadable lock is stale once a minute old (its writer died between create and write). Anything else
 * is live: a holder on another node cannot be checked and is presumed running.
 */
export function judgeLock(
  text: string,
  ageMs: number,
  self: LockRecord,
  probe: JobProbe = squeueProbe,
): LockVerdict {
  let record: LockRecord;
  try {
    record = JSON.parse(text) as LockRecord;
    if (typeof record.pid !== 'number' || typeof record.host !== 'string') throw new Error('malformed');
  } catch {
    return ageMs > 60_000
      ? { state: 'stale', record: null, reason: 'unreadable lock older than a minute' }
      : { state: 'live', record: null, reason: 'lock being written' };
  }
  if (sameSlurmTask(record.slurm, self.slurm))
    return { state: 'stale', record, reason: `same Slurm task ${record.slurmJob}, requeued` };
  if (record.k8sTask && record.k8sTask === self.k8sTask)
    return { state: 'stale', record, reason: `same Kubernetes index ${record.k8sTask}, retried` };
  if (record.host === self.host) {
    return pidAlive(record.pid, record.procStart)
      ? { state: 'live', record, reason: `pid ${record.pid} is alive on ${record.host}` }
      : { state: 'stale', record, reason: `pid ${record.pid} on ${record.host} is dead` };
  }
  if (record.slurmJob && probe(record.slurmJob) === false)
    return { state: 'stale', record, reason: `Slurm job ${record.slurmJob} has ended` };
  return { state: 'live', record, reason: `held on ${record.host}` };
}

/** Reads and judges the lock of a cell folder; `null` when there is none. */
export function inspectLock(
  dir: string,
  self: LockRecord = currentHolder(),
  probe?: JobProbe,
): (LockVerdict & { text: string }) | null {
  const file = join(dir, LOCK_FILE);
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return { ...judgeLock(text, Date.now() - mtimeMs, self, probe), text };
}

/** A held cell lock. */
export interface CellLock {
  file: string;
  record: LockRecord;
  /** What was taken over, if the lock was stale. */
  tookOver: string | null;
  /** Removes the lock if it is still ours. */
  release(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lock of a cell folder: creates `cell.lock` exclusively, or takes over a stale one (see
 * {@link judgeLock}) under a short-lived `cell.lock.takeover` guard so that two contenders never both
 * win. Throws {@link CellLockedError} when a live process holds it. The lock is also removed when the
 * process exits normally or by `process.exit`.
 */
export async function acquireCellLock(
  dir: string,
  options: { env?: NodeJS.ProcessEnv; probe?: JobProbe } = {},
): Promise<CellLock> {
  const file = join(dir, LOCK_FILE);
  const record = currentHolder(options.env);
  let tookOver: string | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, `${JSON.stringify(record)}\n`)) return held(file, record, tookOver);
    const found = inspectLock(dir, record, options.probe);
    if (!found) continue;
    if (found.state === 'live') {
      const holder = found.record ?? { host: '?', pid: 0, startedAt: '?' };
      throw new CellLockedError(dir, file, holder);
    }
    if (removeStale(file, found.text)) tookOver = found.reason;
    else await sleep(100 + Math.random() * 100);
  }
  throw new CellLockedError(dir, file, { host: '?', pid: 0, startedAt: 'contended' });
}

/** Removes a stale lock whose content is still `text`, under the takeover guard. */
function removeStale(file: string, text: string): boolean {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > 30_000) rmSync(guard, { force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    let now: string | null = null;
    try {
      now = readFileSync(file, 'utf8');
    } catch {
      // removed meanwhile
    }
    if (now === text) rmSync(file, { force: true });
    return now === text || now === null;
  } finally {
    rmSync(guard, { force: true });
  }
}

function held(file: string, record: LockRecord, tookOver: string | null): CellLock {
  const release = () => {
    process.off('exit', release);
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
      if (now.token === record.token) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { file, record, tookOver, release };
}
