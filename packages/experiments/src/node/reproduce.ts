import { join } from 'node:path';
import type { Summary } from '../aggregate';
import type { ResolvedExperiment } from '../resolve';
import { summaryTables } from '../table';
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
  const summary = aggregateDir(dir);
  const figure = await renderFigure(summary, dir);
  output?.write(
    `\n${summary.title} — preset ${summary.preset}, seeds ${summary.seeds.join(', ')} (mean ± SEM)\n\n` +
      `${summaryTables(summary)}\n\n` +
      `summary: ${join(dir, 'summary.json')}, ${join(dir, 'summary.csv')}\nfigure:  ${figure.png}, ${figure.svg}\n`,
  );
  return { cells, summary, figure, dir };
}
