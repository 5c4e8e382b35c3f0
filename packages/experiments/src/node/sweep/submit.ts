import { spawnSync } from 'node:child_process';
import { SchedulerNotFoundError, SubmitFailedError, SweepStillQueuedError } from '../../errors';
import { type JobProbe, squeueProbe } from '../cell-lock';
import { indexRanges, type SweepManifest, type SweepSubmission } from './plan';
import type { SlurmFiles } from './slurm';
import { cellStatus } from './status';

/** Runs a scheduler command; typed errors when it is missing or fails. Returns its stdout. */
export type SchedulerCommand = (command: string, args: readonly string[]) => string;

/** Runs `command` with `spawnSync`. */
export const runScheduler: SchedulerCommand = (command, args) => {
  const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new SchedulerNotFoundError(command);
  if (r.error || r.status !== 0)
    throw new SubmitFailedError([command, ...args], r.status, r.stderr || String(r.error ?? ''));
  return r.stdout;
};

/** What {@link submitSlurm} submitted. */
export interface SlurmSubmission extends SweepSubmission {
  /** Cells finished earlier (skipped) and cells running elsewhere (waited for). */
  done: string[];
  running: string[];
}

/**
 * Submits a written sweep to Slurm: the job array for every cell not done yet and not running (the
 * task indices on the command line override the script's `--array`), then the aggregation job with
 * `--dependency=afterok:<array>` (and on the Slurm jobs of cells already running). Refuses while an
 * earlier submission of the sweep is still queued ({@link SweepStillQueuedError}).
 */
export function submitSlurm(
  m: SweepManifest,
  files: SlurmFiles,
  options: { run?: SchedulerCommand; probe?: JobProbe } = {},
): SlurmSubmission {
  const run = options.run ?? runScheduler;
  const probe = options.probe ?? squeueProbe;
  run('sbatch', ['--version']);
  const queued = m.submissions
    .flatMap((s) => [s.arrayJob, s.aggregateJob])
    .filter((j): j is string => j !== null && probe(j) === true);
  if (queued.length) throw new SweepStillQueuedError(m.name, queued);
  const states = m.cells.map((c) => ({ cell: c, status: cellStatus(m.out, c.dir, true, probe) }));
  const done = states.filter((s) => s.status.state === 'done').map((s) => s.cell.dir);
  const running = states.filter((s) => s.status.state === 'running');
  const tasks = states
    .filter((s) => s.status.state !== 'done' && s.status.state !== 'running')
    .map((s) => s.cell.index);
  let arrayJob: string | null = null;
  if (tasks.length) {
    const list = indexRanges(tasks) + (m.resources.maxParallel ? `%${m.resources.maxParallel}` : '');
    arrayJob = jobId(run('sbatch', ['--parsable', `--array=${list}`, files.cells]));
  }
  const after = [
    ...(arrayJob ? [arrayJob] : []),
    ...running.flatMap((s) => (s.status.holder?.slurmJob ? [s.status.holder.slurmJob] : [])),
  ];
  const dependency = after.length ? [`--dependency=afterok:${after.join(':')}`] : [];
  const aggregateJob = jobId(run('sbatch', ['--parsable', ...dependency, files.aggregate]));
  return {
    at: new Date().toISOString(),
    arrayJob,
    tasks,
    aggregateJob,
    done,
    running: running.map((s) => s.cell.dir),
  };
}

/** The job id of `sbatch --parsable` output (`123` or `123;cluster`). */
export function jobId(stdout: string): string {
  return stdout.trim().split(/\s+/).pop()!.split(';')[0];
}
