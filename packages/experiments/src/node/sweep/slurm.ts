import { join } from 'node:path';
import { writeText } from '../files';
import { cellCase, finalizeSteps, indexRanges, runCommand, type SweepManifest, shellQuote } from './plan';

/** The files `--emit slurm` writes into the sweep folder. */
export interface SlurmFiles {
  /** The job-array script: one task per cell. */
  cells: string;
  /** The aggregation job: `pixsim aggregate` and `pixsim plot` of every experiment. */
  aggregate: string;
  /** Where the tasks' logs go. */
  logs: string;
}

function resourceLines(m: SweepManifest, cpus: number, mem: string, time: string): string[] {
  const r = m.resources;
  return [
    `#SBATCH --cpus-per-task=${cpus}`,
    `#SBATCH --mem=${mem}`,
    `#SBATCH --time=${time}`,
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    ...(r.account ? [`#SBATCH --account=${r.account}`] : []),
  ];
}

/**
 * The job-array script: task `i` runs cell `i` of the sweep with `pixsim run`. Requeued or preempted
 * tasks (`--requeue`) run the same cell again, which resumes from its checkpoints; SIGTERM stops a task
 * at the next training step, and the lock of a requeued task is taken over by its successor.
 */
export function cellsScript(m: SweepManifest, folder: string): string {
  const r = m.resources;
  const last = m.cells.length - 1;
  return [
    '#!/bin/bash',
    `# pixsim sweep ${m.name}: ${m.cells.length} cells (${m.experimentDirs.join(', ')}; seeds ${indexRanges(m.seeds)}).`,
    '# Written by `pixsim sweep --emit slurm`; `pixsim sweep … --submit` submits it with the aggregation job.',
    `#SBATCH --job-name=pixsim-${m.name}`,
    `#SBATCH --array=0-${last}${r.maxParallel ? `%${r.maxParallel}` : ''}`,
    ...resourceLines(m, r.cpus, r.mem, r.time),
    ...(r.gpus ? [`#SBATCH --gres=gpu:${r.gpus}`] : []),
    '#SBATCH --requeue',
    '#SBATCH --open-mode=append',
    `#SBATCH --output=${join(folder, 'logs', 'cell-%a.log')}`,
    'set -euo pipefail',
    ': "$' + '{SLURM_RESTART_COUNT:=0}"',
    cellCase(
      m,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
      '${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}',
      `echo "pixsim sweep ${m.name}: no cell for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2`,
    ),
    'echo "pixsim sweep: task $SLURM_ARRAY_TASK_ID (job $SLURM_JOB_ID, restart $SLURM_RESTART_COUNT) on $(hostname): $experiment seed $seed"',
    `exec ${runCommand(m)}`,
    '',
  ].join('\n');
}

/** The aggregation job: aggregates and plots every experiment of the sweep, then prints its status. */
export function aggregateScript(m: SweepManifest, folder: string): string {
  const pixsim = m.pixsim.map(shellQuote).join(' ');
  const steps = finalizeSteps(m);
  return [
    '#!/bin/bash',
    `# pixsim sweep ${m.name}: aggregation, submitted with --dependency=afterok:<array job>.`,
    `#SBATCH --job-name=pixsim-${m.name}-aggregate`,
    ...resourceLines(m, 1, '2G', m.resources.time),
    '#SBATCH --kill-on-invalid-dep=yes',
    `#SBATCH --output=${join(folder, 'logs', 'aggregate-%j.log')}`,
    'set -euo pipefail',
    ...steps,
    `${pixsim} status ${shellQuote(m.out)} --sweep ${m.name}`,
    '',
  ].join('\n');
}

/** Writes `cells.sbatch` and `aggregate.sbatch` into the sweep folder. */
export function writeSlurmFiles(m: SweepManifest, folder: string): SlurmFiles {
  const files = {
    cells: join(folder, 'cells.sbatch'),
    aggregate: join(folder, 'aggregate.sbatch'),
    logs: join(folder, 'logs'),
  };
  writeText(files.cells, cellsScript(m, folder));
  writeText(files.aggregate, aggregateScript(m, folder));
  writeText(join(files.logs, '.keep'), '');
  return files;
}
