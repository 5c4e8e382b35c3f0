import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NoResultsError, WaitTimeoutError } from '../../errors';
import { readFailure } from '../cell-failure';
import { currentHolder, inspectLock, type JobProbe, type LockRecord } from '../cell-lock';
import { readJsonIfExists } from '../files';
import { SWEEP_FORMAT, type SweepManifest } from './plan';

/** The state of a cell folder. */
export type CellState = 'done' | 'running' | 'failed' | 'interrupted' | 'missing';

/** Every state, in the order they are listed. */
export const CELL_STATES: readonly CellState[] = ['done', 'running', 'failed', 'interrupted', 'missing'];

/** One cell of a status report. */
export interface CellStatus {
  /** The cell folder relative to the results root: `<experiment>/<preset>/seed-<S>`. */
  dir: string;
  state: CellState;
  detail: string;
  /** Expected by a sweep manifest (else only found on disk). */
  expected: boolean;
  holder?: LockRecord;
}

/** What `pixsim status` reports. */
export interface StatusReport {
  root: string;
  sweeps: string[];
  cells: CellStatus[];
  counts: Record<CellState, number>;
}

/** Which manifests to read: one sweep by name, one manifest file, or (default) every sweep under the root. */
export interface StatusOptions {
  sweep?: string;
  manifest?: string;
  probe?: JobProbe;
}

/** The sweep manifests under `<root>/sweeps/` (or the one named). */
export function readManifests(root: string, options: StatusOptions = {}): SweepManifest[] {
  const files = options.manifest
    ? [options.manifest]
    : options.sweep
      ? [join(root, 'sweeps', options.sweep, 'sweep.json')]
      : existsSync(join(root, 'sweeps'))
        ? readdirSync(join(root, 'sweeps'))
            .sort()
            .map((n) => join(root, 'sweeps', n, 'sweep.json'))
            .filter((f) => existsSync(f))
        : [];
  return files.map((file) => {
    const m = readJsonIfExists<SweepManifest>(file);
    if (!m || m.format !== SWEEP_FORMAT)
      throw new NoResultsError(
        file,
        `${file}: no sweep manifest (${SWEEP_FORMAT}); run \`pixsim sweep\` first.`,
      );
    return m;
  });
}

/** Cell folders found on disk: `<root>/<experiment>/<preset>/seed-<S>`. */
function discoverCells(root: string): string[] {
  const subdirs = (d: string) =>
    existsSync(d)
      ? readdirSync(d, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => e.name)
      : [];
  const found: string[] = [];
  for (const experiment of subdirs(root).filter((n) => n !== 'sweeps'))
    for (const preset of subdirs(join(root, experiment)))
      for (const seed of subdirs(join(root, experiment, preset)).filter((n) => /^seed-\d+$/.test(n)))
        found.push(`${experiment}/${preset}/${seed}`);
  return found;
}

/** The state of one cell folder (see {@link CellState}). */
export function cellStatus(root: string, rel: string, expected: boolean, probe?: JobProbe): CellStatus {
  const dir = join(root, rel);
  const result = readJsonIfExists<{ finishedAt?: string }>(join(dir, 'result.json'));
  if (result)
    return { dir: rel, state: 'done', detail: `finished ${result.finishedAt ?? ''}`.trim(), expected };
  const lock = inspectLock(dir, currentHolder(), probe);
  const r = lock?.record ?? undefined;
  const who = r
    ? `pid ${r.pid} on ${r.host}${r.slurmJob ? `, Slurm job ${r.slurmJob}` : ''}`
    : 'unknown holder';
  if (lock?.state === 'live')
    return { dir: rel, state: 'running', detail: `${who} since ${r?.startedAt ?? '?'}`, expected, holder: r };
  if (lock?.state === 'stale')
    return { dir: rel, state: 'failed', detail: `stale lock: ${lock.reason}`, expected, holder: r };
  const failure = readFailure(dir);
  if (failure) {
    const job = failure.slurmJob ? `, Slurm job ${failure.slurmJob}` : '';
    const code = failure.error.code ? `${failure.error.code}: ` : '';
    return {
      dir: rel,
      state: 'failed',
      detail: `${failure.at} on ${failure.host}${job}: ${code}${failure.error.message.split('\n')[0]}`,
      expected,
    };
  }
  const started = readJsonIfExists<{ startedAt?: string }>(join(dir, 'cell.json'));
  if (started)
    return {
      dir: rel,
      state: 'interrupted',
      detail: `started ${started.startedAt}; resumes when run again`,
      expected,
    };
  return { dir: rel, state: 'missing', detail: 'not started', expected };
}

/** The state of every cell a sweep expects or the results root holds. */
export function sweepStatus(root: string, options: StatusOptions = {}): StatusReport {
  const manifests = readManifests(root, options);
  const expected = new Set(manifests.flatMap((m) => m.cells.map((c) => c.dir)));
  const only = options.sweep || options.manifest;
  const dirs = [...new Set([...expected, ...(only ? [] : discoverCells(root))])].sort();
  const cells = dirs.map((d) => cellStatus(root, d, expected.has(d), options.probe));
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  for (const c of cells) counts[c.state]++;
  return { root, sweeps: manifests.map((m) => m.name), cells, counts };
}

/** The report as text: one line per cell, then the counts. */
export function formatStatus(report: StatusReport): string {
  const width = Math.max(4, ...report.cells.map((c) => c.dir.length));
  const lines = report.cells.map((c) => `${c.state.padEnd(11)} ${c.dir.padEnd(width)}  ${c.detail}`);
  const counts = CELL_STATES.map((s) => `${report.counts[s]} ${s}`).join(', ');
  const sweeps = report.sweeps.length ? ` (sweep ${report.sweeps.join(', ')})` : '';
  return `${lines.join('\n')}${lines.length ? '\n' : ''}${report.cells.length} cells${sweeps}: ${counts}\n`;
}

/**
 * Polls until every cell the sweep expects is done (the aggregation Job of `--emit k8s` runs this);
 * throws {@link WaitTimeoutError} after `timeoutS` seconds.
 */
export async function waitForSweep(
  root: string,
  options: StatusOptions & { timeoutS: number; intervalS?: number; onPoll?: (r: StatusReport) => void },
): Promise<StatusReport> {
  const deadline = Date.now() + options.timeoutS * 1000;
  for (;;) {
    const report = sweepStatus(root, options);
    options.onPoll?.(report);
    const unfinished = report.cells.filter((c) => c.expected && c.state !== 'done').map((c) => c.dir);
    if (unfinished.length === 0) return report;
    if (Date.now() >= deadline) throw new WaitTimeoutError(root, options.timeoutS, unfinished);
    await new Promise((r) => setTimeout(r, (options.intervalS ?? 10) * 1000));
  }
}
