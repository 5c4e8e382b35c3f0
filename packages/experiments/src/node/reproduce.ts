import { join } from 'node:path';
import type { Summary } from '../aggregate';
import type { ResolvedExperiment } from '../resolve';
import { CellProcessFailedError } from '../errors';
import { summaryTables } from '../table';
import { type CellProcessOutcome, runCellProcesses } from './cell-processes';
import type { ProgressStream } from './progress';
import { type FigureFiles, renderFigure } from './render';
import { aggregateDir } from './results-dir';
import { type RunCellOptions, type RunCellOutcome, runCell } from './run-cell';

/** Options of {@link reproduce}: those of `runCell` with a list of seeds. */
export interface ReproduceOptions extends Omit<RunCellOptions, 'seed'> {
  seeds: readonly number[];
  /** Where the summary table and file paths are printed (default `process.stdout`; `null` for silence). */
  output?: ProgressStream | null;
}

/** What {@link reproduce} did. */
export interface ReproduceOutcome {
  cells: RunCellOutcome[];
  /** Null when a cell was interrupted (nothing aggregated). */
  summary: Summary | null;
  figure: FigureFiles | null;
  dir: string;
}

/** The folder of an experiment at a preset: `<out>/<experiment>/<preset>`. */
export function presetDir(out: string, experiment: ResolvedExperiment): string {
  return join(out, experiment.spec.id, experiment.preset.name);
}

/**
 * Runs every cell (seed) of an experiment at a preset (finished cells are skipped), then aggregates them
 * (`summary.json`, `summary.csv`) and draws the figure (`<experiment>.svg`, `.png`).
 */
export async function reproduce(options: ReproduceOptions): Promise<ReproduceOutcome> {
  const dir = presetDir(options.out, options.experiment);
  const output = options.output === undefined ? process.stdout : options.output;
  const cells: RunCellOutcome[] = [];
  for (const seed of options.seeds) {
    const outcome = await runCell({ ...options, seed });
    cells.push(outcome);
    if (outcome.status === 'interrupted') return { cells, summary: null, figure: null, dir };
  }
  const { summary, figure } = await summarize(dir, output);
  return { cells, summary, figure, dir };
}

/** Aggregates and plots `dir`, and prints the table and the files written. */
async function summarize(dir: string, output: ProgressStream | null) {
  const summary = aggregateDir(dir);
  const figure = await renderFigure(summary, dir);
  output?.write(
    `\n${summary.title} — preset ${summary.preset}, seeds ${summary.seeds.join(', ')} (mean ± SEM)\n\n` +
      `${summaryTables(summary)}\n\n` +
      `summary: ${join(dir, 'summary.json')}, ${join(dir, 'summary.csv')}\nfigure:  ${figure.png}, ${figure.svg}\n`,
  );
  return { summary, figure };
}

/** Options of {@link reproduceInProcesses}. */
export interface ReproduceInProcessesOptions {
  /** The experiment at its preset (for the folder that is aggregated). */
  experiment: ResolvedExperiment;
  /** The results folder the cells write to (`<out>/<experiment>/<preset>/seed-<S>`). */
  out: string;
  /** The cells' seeds. */
  seeds: readonly number[];
  /** Cells at once, each in its own process. */
  jobs: number;
  /** The program that runs one cell, e.g. `[process.execPath, 'node_modules/.bin/pixsim']`. */
  command: readonly string[];
  /** Its arguments for the cell of `seed`: `run <experiment> --seed <seed> …`. */
  argsFor(seed: number): string[];
  /** Aborting it stops the running cells at their next step (SIGTERM) and starts no more. */
  signal?: AbortSignal;
  /** Where the summary table is printed (default `process.stdout`; `null` for silence). */
  output?: ProgressStream | null;
  /** Where the cells' progress lines go (default `process.stderr`; `null` for silence). */
  progress?: ProgressStream | null;
}

/** What {@link reproduceInProcesses} did. */
export interface ReproduceInProcessesOutcome {
  /** How each cell process ended, in the order of the seeds. */
  cells: CellProcessOutcome[];
  /** Null when a cell was interrupted or never started (nothing aggregated). */
  summary: Summary | null;
  /** The figure's files, when it was drawn. */
  figure: FigureFiles | null;
  /** `<out>/<experiment>/<preset>`. */
  dir: string;
}

/**
 * {@link reproduce} with `jobs` cells at a time, each in a process of its own (`pixsim reproduce --jobs N`):
 * on a machine with two cores, two single-threaded cells train about 1.6–2× as many images per second as
 * one cell on two wasm threads, and give the same results (results do not depend on the thread count).
 * Waits for every cell; throws {@link CellProcessFailedError} if any failed (after the others ended).
 */
export async function reproduceInProcesses(
  options: ReproduceInProcessesOptions,
): Promise<ReproduceInProcessesOutcome> {
  const dir = presetDir(options.out, options.experiment);
  const output = options.output === undefined ? process.stdout : options.output;
  const cells = await runCellProcesses({
    command: options.command,
    argsFor: options.argsFor,
    seeds: options.seeds,
    jobs: options.jobs,
    signal: options.signal,
    output: options.progress === undefined ? process.stderr : options.progress,
  });
  const failed = cells.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    throw new CellProcessFailedError(
      dir,
      failed.map((c) => ({ seed: c.seed, status: c.exitCode, signal: c.signal, lastError: c.lastError })),
    );
  }
  if (cells.some((c) => c.status !== 'finished')) return { cells, summary: null, figure: null, dir };
  const { summary, figure } = await summarize(dir, output);
  return { cells, summary, figure, dir };
}
