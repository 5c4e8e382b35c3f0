import { join } from 'node:path';
import { CellProcessFailedError, NoResultsError } from '../errors';
import type { ResolvedExperiment } from '../resolve';
import type { CellResult, ModelRole } from '../result';
import {
  type Accuracies,
  type BaselineObservation,
  type PairObservation,
  SELECTION_RULE,
  selectPair,
  TUNE_FORMAT,
  type TuneResult,
  tuneCells,
  tuneTable,
} from '../tune';
import { tuneFigureSpec } from '../tune-figure';
import { runCellProcesses } from './cell-processes';
import { readJsonIfExists, writeJson, writeText } from './files';
import type { ProgressStream } from './progress';
import { type FigureFiles, renderVegaLite } from './render';
import { cellDir, type RunCellOptions, runCell } from './run-cell';
import { planTune, type TuneGrid, type TunePlan, tuneCellList, tuneDir } from './tune-plan';

/** Options of {@link tune}: those of `runCell` (without the seed) and the grid. */
export interface TuneOptions extends Omit<RunCellOptions, 'seed'>, TuneGrid {
  /** Where the table and file paths are printed (default `process.stdout`; `null` for silence). */
  output?: ProgressStream | null;
}

/** What a tune wrote. */
export interface TuneFiles {
  json: string;
  table: string;
  figure: FigureFiles;
}

/** What {@link tune} did: `tune` is null when a cell was interrupted (nothing selected). */
export interface TuneOutcome {
  dir: string;
  plan: TunePlan;
  tune: TuneResult | null;
  files: TuneFiles | null;
}

/**
 * `pixsim tune`: runs every cell of {@link planTune} (finished cells are skipped; each is an ordinary,
 * resumable cell under its lock), then {@link collectTune} measures the ratios on the validation split and
 * applies the selection rule, and writes `tune.json`, `tune.md` and the heatmap `tune.{png,svg,vl.json}` into
 * `<out>/<experiment>-tune/<preset>`.
 */
export async function tune(options: TuneOptions): Promise<TuneOutcome> {
  const plan = planTune(options.experiment, options);
  const dir = tuneDir(options.out, options.experiment);
  writeTuneSpecs(plan, dir);
  for (const cell of tuneCellList(plan)) {
    const outcome = await runCell({ ...options, experiment: cell.experiment, seed: cell.seed });
    if (outcome.status === 'interrupted') return { dir, plan, tune: null, files: null };
  }
  return { dir, plan, ...(await finishTune(plan, options.out, options.output)) };
}

/** Writes each cell's spec as `<tune dir>/specs/<id>.json`, for `pixsim run` (`--jobs`, Slurm, Kubernetes). */
export function writeTuneSpecs(plan: TunePlan, dir: string): string[] {
  return [plan.baseline, ...plan.pairs.map((p) => p.experiment)].map((e) => {
    const file = join(dir, 'specs', `${e.spec.id}.json`);
    writeJson(file, e.spec);
    return file;
  });
}

/** Options of {@link tuneInProcesses}. */
export interface TuneInProcessesOptions extends TuneGrid {
  experiment: ResolvedExperiment;
  out: string;
  jobs: number;
  /** The program that runs one cell, e.g. `[process.execPath, 'node_modules/.bin/pixsim']`. */
  command: readonly string[];
  /** The flags every `run <spec file> --seed S` gets (preset, out, engine, data). */
  runFlags: readonly string[];
  signal?: AbortSignal;
  output?: ProgressStream | null;
  progress?: ProgressStream | null;
}

/** {@link tune} with `jobs` cells at a time, each a `pixsim run` process of its own. */
export async function tuneInProcesses(options: TuneInProcessesOptions): Promise<TuneOutcome> {
  const plan = planTune(options.experiment, options);
  const dir = tuneDir(options.out, options.experiment);
  const files = writeTuneSpecs(plan, dir);
  const cells = tuneCellList(plan);
  const fileOf = new Map(
    [plan.baseline, ...plan.pairs.map((p) => p.experiment)].map((e, i) => [e, files[i]]),
  );
  const outcomes = await runCellProcesses({
    command: options.command,
    // Indices stand in for seeds: one process per (spec, seed).
    seeds: cells.map((_, i) => i),
    argsFor: (i) => [
      'run',
      fileOf.get(cells[i].experiment) as string,
      '--seed',
      String(cells[i].seed),
      ...options.runFlags,
    ],
    jobs: options.jobs,
    signal: options.signal,
    output: options.progress === undefined ? process.stderr : options.progress,
  });
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    throw new CellProcessFailedError(
      dir,
      failed.map((o) => ({
        seed: cells[o.seed].seed,
        status: o.exitCode,
        signal: o.signal,
        lastError: `${cells[o.seed].experiment.spec.id}: ${o.lastError}`,
      })),
    );
  }
  if (outcomes.some((o) => o.status !== 'finished')) return { dir, plan, tune: null, files: null };
  return { dir, plan, ...(await finishTune(plan, options.out, options.output)) };
}

async function finishTune(plan: TunePlan, out: string, output: ProgressStream | null | undefined) {
  const result = collectTune(plan, out);
  const files = await writeTuneOutputs(result, tuneDir(out, plan.base));
  (output === undefined ? process.stdout : output)?.write(
    `\n${tuneTable(result)}\n\ntune:   ${files.json}, ${files.table}\nfigure: ${files.figure.png}, ${files.figure.svg}\n`,
  );
  return { tune: result, files };
}

/** Clean accuracy and accuracy at the highest ε of `role` in a tuning cell's result. */
function accuracies(result: CellResult, role: ModelRole, plan: TunePlan, file: string): Accuracies {
  const curve = result.curves.find((c) => c.model === role && c.attack === plan.attack);
  const fine =
    curve &&
    result.data.task.evaluatedOn === 'validation' &&
    curve.epsilons.length === 2 &&
    curve.epsilons[0] === 0 &&
    curve.epsilons[1] === plan.epsilon;
  if (!fine) {
    throw new NoResultsError(
      file,
      `${file} is not a tuning cell of this tune (no ${role} ${plan.attack} curve at ε = 0 and ${plan.epsilon} on the validation split).`,
    );
  }
  return { clean: curve.accuracy[0], atMax: curve.accuracy[1] };
}

/**
 * Reads the finished cells of a tune and applies the selection rule ({@link selectPair}) to their ratios on
 * the validation split. A missing cell is a {@link NoResultsError} naming every missing cell.
 */
export function collectTune(plan: TunePlan, out: string): TuneResult {
  const missing: string[] = [];
  const read = (e: ResolvedExperiment, seed: number) => {
    const file = join(cellDir(out, e.spec.id, e.preset.name, seed), 'result.json');
    const r = readJsonIfExists<CellResult>(file);
    if (!r) missing.push(file);
    return { r, file };
  };
  const baselines: BaselineObservation[] = [];
  const pairs: PairObservation[] = [];
  let validationImages = 0;
  for (const seed of plan.seeds) {
    const { r, file } = read(plan.baseline, seed);
    if (r) baselines.push({ seed, ...accuracies(r, 'unregularized', plan, file) });
    if (r) validationImages = r.data.task.testImages;
    for (const p of plan.pairs) {
      const cell = read(p.experiment, seed);
      if (cell.r)
        pairs.push({ alpha: p.alpha, th: p.th, seed, ...accuracies(cell.r, 'regularized', plan, cell.file) });
    }
  }
  if (missing.length > 0) {
    throw new NoResultsError(
      tuneDir(out, plan.base),
      `tune: ${missing.length} cell${missing.length === 1 ? ' is' : 's are'} not finished (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); run the tune (or its sweep) to the end first.`,
    );
  }
  const cells = tuneCells(plan.seeds, baselines, pairs);
  return {
    format: TUNE_FORMAT,
    experiment: plan.base.spec.id,
    preset: plan.base.preset.name,
    seeds: [...plan.seeds],
    alphas: [...plan.alphas],
    ths: [...plan.ths],
    attack: plan.attack,
    epsilon: plan.epsilon,
    validationFraction: plan.validationFraction,
    validationImages,
    rule: SELECTION_RULE,
    baselines,
    cells,
    ...selectPair(cells),
  };
}

/** Writes `tune.json`, `tune.md` and the heatmap (`tune.png`, `.svg`, `.vl.json`) into `dir`. */
export async function writeTuneOutputs(result: TuneResult, dir: string): Promise<TuneFiles> {
  const json = join(dir, 'tune.json');
  const table = join(dir, 'tune.md');
  writeJson(json, result);
  writeText(table, `${tuneTable(result)}\n`);
  const figure = await renderVegaLite(tuneFigureSpec(result), dir, 'tune');
  return { json, table, figure };
}
