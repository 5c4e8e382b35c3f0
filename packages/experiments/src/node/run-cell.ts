import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { filterGradientPaths } from '@pixsim/backend';
import { type PairTargets, thresholdedPixelTargetsAsync } from '@pixsim/regularizer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidOptionError } from '../errors';
import type { ResolvedExperiment } from '../resolve';
import type {
  BoundaryRecord,
  CellResult,
  CurveRecord,
  EvaluationRecord,
  ModelRecord,
  ModelRole,
} from '../result';
import type { AttackSpec, ExperimentSpec } from '../spec';
import { type DataOptions, loadRegularizationData, loadTaskData, type TaskData } from './data';
import type { EngineInfo } from './environment';
import { classifierOf, type TestImages, testImages } from './evaluate';
import { sharpJpeg } from '@pixsim/attacks/node';
import type { KindSection } from '../kinds/kind';
import { evaluationKind } from '../kinds/registry';
import { createEvaluationModel, type EvaluationEngine } from '@pixsim/onnx';
import type { PredictingModel } from '@pixsim/attacks';
import { acquireCellLock } from './cell-lock';
import { clearFailure, recordFailure } from './cell-failure';
import { readJsonIfExists, writeJson } from './files';
import { CellProgress, formatDuration, type ProgressStream } from './progress';
import { assembleResult, type Work } from './result-record';
import { finishedResult, specHashOf } from './spec-hash';
import { trainModel } from './train-model';
import { tuneSplit } from './tune-split';

export { standInNote } from './result-record';
export { regularizationProvenance, specHashOf } from './spec-hash';

/** Options of {@link runCell}. */
export interface RunCellOptions {
  experiment: ResolvedExperiment;
  seed: number;
  /** Results root: the cell goes to `<out>/<experiment>/<preset>/seed-<seed>/`. */
  out: string;
  /** CIFAR folder (default: the `download()` cache). */
  dataDir?: string;
  /** ImageNet image folder. */
  imagenetDir?: string;
  /**
   * `false`: without `imagenetDir`, regularize with the Tiny-ImageNet stand-in even where the ImageNet sample
   * (`imagenet-sample-1000` under the data root) is found. Default: the sample when found (and the preset
   * allows a substitute for ImageNet). Part of the spec hash, as the source is.
   */
  imagenetSample?: boolean;
  /** Engine to record (default: the active one, 1 thread). */
  engine?: EngineInfo;
  /**
   * Engine of the evaluations (the attacks' forward passes): `'auto'` (default: onnxruntime-node through
   * `@pixsim/onnx` when it is installed and the model exports, else tfjs), `'onnxruntime'` or `'tfjs'`.
   * Training and the FGSM surrogate's gradients always use tfjs. Each model's result records the engine.
   */
  evaluationEngine?: EvaluationEngine;
  /** Where progress goes (default `process.stderr`; `null` for silence). */
  progress?: ProgressStream | null;
  /** Stops at the next training step; the cell resumes from its checkpoints on the next run. */
  signal?: AbortSignal;
}

/** What {@link runCell} did. */
export interface RunCellOutcome {
  status: 'finished' | 'skipped' | 'interrupted';
  dir: string;
  result: CellResult | null;
}

/** The folder of one cell. */
export function cellDir(out: string, experiment: string, preset: string, seed: number): string {
  return join(out, experiment, preset, `seed-${seed}`);
}

/** The models a cell trains, in order: the FGSM surrogate first; a tuning cell only its own role. */
function rolesOf(spec: ExperimentSpec): ModelRole[] {
  const fgsm = spec.evaluation.attacks.some((a) => evaluationKind(a.kind).needsSurrogate(a));
  const compared: ModelRole[] = spec.tuning ? [spec.tuning.role] : ['unregularized', 'regularized'];
  return fgsm ? ['surrogate', ...compared] : compared;
}

/**
 * Runs one cell: trains the models the experiment needs (unregularized, regularized, and the FGSM
 * surrogate), evaluates every attack, and writes `result.json` with checkpoints and metrics beside it.
 * Idempotent (a finished cell with the same spec hash is skipped) and resumable (an interrupted cell
 * continues from its checkpoints and finished evaluations, with the same result as an uninterrupted run).
 * Safe on a results folder shared by several nodes: the cell is run under its lock (`cell.lock`, see
 * `acquireCellLock`; a live holder is a `CellLockedError`), every file is written atomically, and a
 * failure is recorded in `failure.json` for `pixsim status`.
 * The engine must be initialised before (e.g. `initBackend` of `@pixsim/backend`).
 */
export async function runCell(options: RunCellOptions): Promise<RunCellOutcome> {
  const { experiment, seed } = options;
  const { spec, preset } = experiment;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) {
    throw new InvalidOptionError(PACKAGE, `runCell: seed must be an integer in [0, 2^31], got ${seed}.`, {
      option: 'seed',
    });
  }
  const dir = cellDir(options.out, spec.id, preset.name, seed);
  const specHash = specHashOf(experiment, options);
  const finished = finishedResult(dir, experiment, options);
  if (finished) return { status: 'skipped', dir, result: finished };
  const lock = await acquireCellLock(dir);
  try {
    // Another process may have finished the cell between the first look and the lock.
    const meanwhile = finishedResult(dir, experiment, options);
    if (meanwhile) return { status: 'skipped', dir, result: meanwhile };
    clearFailure(dir);
    if (lock.tookOver && options.progress !== null)
      (options.progress ?? process.stderr).write(`${dir}: took over a stale lock (${lock.tookOver})\n`);
    return await runLocked(options, dir, specHash);
  } catch (error) {
    recordFailure(dir, error);
    throw error;
  } finally {
    lock.release();
  }
}

async function runLocked(options: RunCellOptions, dir: string, specHash: string): Promise<RunCellOutcome> {
  const { experiment, seed } = options;
  const { spec, preset } = experiment;
  // finishedResult() checked that a started cell.json belongs to this spec.
  const started = readJsonIfExists<{ specHash: string; startedAt: string }>(join(dir, 'cell.json'));
  const startedAt = started?.startedAt ?? new Date().toISOString();
  writeJson(join(dir, 'cell.json'), { specHash, startedAt, spec, preset, seed });
  const progress = new CellProgress(
    options.progress === undefined ? process.stderr : options.progress,
    `${spec.id}/${preset.name}/seed-${seed}`,
  );
  progress.line(
    `${spec.title}${experiment.reductions.length ? ` — reduced: ${experiment.reductions.join('; ')}` : ''}`,
  );
  const phases: Record<string, number> = {};
  const pathsBefore = filterGradientPaths();
  const inputs = await prepareInputs(options, progress, phases);
  const test = testImages(inputs.task.test);
  try {
    const work = await trainAndEvaluate({ options, dir, ...inputs, test, progress, phases });
    if (!work) {
      progress.line('interrupted; run the same command again to resume from the checkpoints');
      return { status: 'interrupted', dir, result: null };
    }
    const result = assembleResult({ ...options, specHash, startedAt, ...inputs, phases, work });
    // Conv2DBackpropFilter kernel paths of the wasm training kernels that ran in this process for this cell.
    const pathsAfter = filterGradientPaths() as Record<string, number>;
    const before = pathsBefore as Record<string, number>;
    result.environment.kernelPaths = Object.fromEntries(
      Object.entries(pathsAfter).map(([path, n]) => [path, n - (before[path] ?? 0)]),
    );
    writeJson(join(dir, 'result.json'), result);
    const ran = Object.entries(result.environment.kernelPaths ?? {}).filter(([, n]) => n > 0);
    progress.line(
      `filter-gradient kernel paths: ${ran.length ? ran.map(([p, n]) => `${p} ${n}`).join(', ') : 'none (not the wasm training kernels)'}`,
    );
    progress.line(`finished: ${join(dir, 'result.json')}`);
    return { status: 'finished', dir, result };
  } finally {
    test.images.dispose();
  }
}

type Inputs = {
  task: Awaited<ReturnType<typeof loadTaskData>>;
  reg: Awaited<ReturnType<typeof loadRegularizationData>>;
  targets: PairTargets;
};

/**
 * A tuning cell's data: the task's training images without a held-out validation split, which replaces the
 * test images (they are never evaluated); other cells' data as loaded.
 */
async function tuningData(spec: ExperimentSpec, loading: Promise<TaskData>): Promise<TaskData> {
  const task = await loading;
  if (!spec.tuning) return task;
  const split = tuneSplit(task.train, spec.tuning.validationFraction);
  return { ...task, train: split.train, test: split.validation };
}

/** Loads the task and regularization data and computes the targets, timing each phase. */
async function prepareInputs(
  options: RunCellOptions,
  progress: CellProgress,
  phases: Record<string, number>,
): Promise<Inputs> {
  const { spec, preset } = options.experiment;
  const timed = async <T>(phase: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    phases[phase] = (performance.now() - t0) / 1000;
    return out;
  };
  const dataOptions: DataOptions = {
    dataDir: options.dataDir,
    imagenetDir: options.imagenetDir,
    imagenetSample: options.imagenetSample,
    imagenetStandIn: preset.imagenetStandIn,
    workDir: join(options.out, '.data'),
  };
  const task = await timed('data', () => tuningData(spec, loadTaskData(spec, dataOptions)));
  const reg = await timed('data:regularization', () =>
    loadRegularizationData(spec, options.seed, dataOptions, task),
  );
  // Asynchronous reads: the targets are computed on the engine in use, webgpu in Node included.
  const targets = await timed('targets', () =>
    thresholdedPixelTargetsAsync(reg.images, {
      th: spec.regularization.th,
      range: spec.regularization.pairRange,
      th2: spec.regularization.th2,
    }),
  );
  progress.line(
    `data ready: ${task.train.size.toLocaleString('en')} training, ${task.test.size.toLocaleString('en')} test, ` +
      `${reg.images.size.toLocaleString('en')} regularization images${sourceWords(reg.provenance)}, ` +
      `${(targets.pairs.length / 2).toLocaleString('en')} pairs (${formatDuration(phases.data + phases['data:regularization'] + phases.targets)})`,
  );
  return { task, reg, targets };
}

/** The progress line's words for an ImageNet source. */
function sourceWords(provenance: string): string {
  if (provenance === 'tiny-imagenet-5k-stand-in') return ' (Tiny-ImageNet stand-in)';
  return provenance === 'imagenet-sample-1000' ? ' (ImageNet sample)' : '';
}

interface WorkContext extends Inputs {
  options: RunCellOptions;
  dir: string;
  test: TestImages;
  progress: CellProgress;
  phases: Record<string, number>;
}

async function trainAndEvaluate(ctx: WorkContext): Promise<Work | null> {
  const { spec } = ctx.options.experiment;
  const roles = rolesOf(spec);
  const models: ModelRecord[] = [];
  const records: Record<KindSection, unknown[]> = { curves: [], boundary: [], evaluations: [] };
  let surrogate: tfl.LayersModel | null = null;
  try {
    for (const [i, role] of roles.entries()) {
      const trained = await trainModel({
        spec,
        seed: ctx.options.seed,
        role,
        cellDir: ctx.dir,
        train: ctx.task.train,
        regularization: { images: ctx.reg.images, targets: ctx.targets },
        progress: ctx.progress,
        index: i + 1,
        count: roles.length,
        signal: ctx.options.signal,
        reuseFrom: reusableSurrogate(ctx, role),
      });
      if (!trained) return null;
      ctx.phases[`train:${role}`] = trained.seconds;
      models.push(trained.record);
      if (role === 'surrogate') {
        surrogate = trained.model;
        continue;
      }
      const evaluator = await createEvaluationModel(trained.model, {
        engine: ctx.options.evaluationEngine ?? 'auto',
        threads: ctx.options.engine?.threads ?? 1,
      });
      trained.record.evaluation = {
        engine: evaluator.engine,
        description: evaluator.description,
        fallback: evaluator.fallback ? evaluator.fallback.message : null,
      };
      // Which engine `--eval-engine auto` picked, and why when it fell back to tfjs.
      const fallback = evaluator.fallback
        ? ` (auto: ${evaluator.fallback.code.toLowerCase().replaceAll('_', ' ')})`
        : '';
      ctx.progress.line(
        `${role}: weights sha256 ${trained.record.fingerprint}, best epoch ${
          trained.record.bestEpoch === null ? '–' : trained.record.bestEpoch + 1
        }; evaluated on ${evaluator.description}${fallback}`,
      );
      try {
        for (const attack of spec.evaluation.attacks) {
          const out = await evaluateCached(ctx, evaluator, role, attack, surrogate);
          records[evaluationKind(attack.kind).section].push(out);
        }
      } finally {
        await evaluator.dispose();
        trained.model.dispose();
      }
    }
    return {
      models,
      curves: records.curves as CurveRecord[],
      boundary: records.boundary as BoundaryRecord[],
      // Absent without such kinds: the result of the older kinds is written as before.
      ...(records.evaluations.length ? { evaluations: records.evaluations as EvaluationRecord[] } : {}),
    };
  } finally {
    surrogate?.dispose();
  }
}

/**
 * The cell folder of the tune's unregularized cell of this seed, for a regularized tuning cell's FGSM
 * surrogate: it does not depend on α or Th, so when that cell trained it already it is reloaded (same weights).
 */
function reusableSurrogate(ctx: WorkContext, role: ModelRole): string | undefined {
  const { spec, preset } = ctx.options.experiment;
  if (role !== 'surrogate' || spec.tuning?.role !== 'regularized') return undefined;
  return cellDir(ctx.options.out, spec.tuning.baseline, preset.name, ctx.options.seed);
}

async function evaluateCached(
  ctx: WorkContext,
  model: PredictingModel,
  role: ModelRole,
  attack: AttackSpec,
  surrogate: tfl.LayersModel | null,
): Promise<unknown> {
  const { spec, seed } = { spec: ctx.options.experiment.spec, seed: ctx.options.seed };
  const file = join(ctx.dir, 'evals', `${role}-${attack.kind}.json`);
  const phase = `eval:${role}:${attack.kind}`;
  const kind = evaluationKind(attack.kind);
  const cached = readJsonIfExists<{ record: unknown; seconds: number }>(file);
  if (cached && existsSync(file)) {
    ctx.phases[phase] = cached.seconds;
    return cached.record;
  }
  ctx.progress.line(`${role}: evaluating ${attack.kind}`);
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  const record = await kind.evaluate(attack, {
    model,
    classifier: classifierOf(model, spec),
    role,
    spec,
    test: ctx.test,
    seed,
    surrogate,
    jpeg: sharpJpeg,
  });
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${phase}: ${leaked} tensors leaked (internal error).`);
  const seconds = (performance.now() - t0) / 1000;
  ctx.phases[phase] = seconds;
  writeJson(file, { record, seconds });
  ctx.progress.line(`${role}: ${attack.kind} ${kind.describe(record)} (${formatDuration(seconds)})`);
  return record;
}
