import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '@pixsim/datasets';
import { loadCheckpoint, RESNET_TAPS, resnet18, resnet34, saveCheckpoint } from '@pixsim/models/node';
import { type PairTargets, SimilarityRegularizer, train } from '@pixsim/regularizer/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelRecord, ModelRole } from '../result';
import { canonicalJson } from '../science';
import type { ExperimentSpec } from '../spec';
import { weightFingerprintAsync } from './fingerprint';
import { readJsonIfExists, writeJson } from './files';
import { learningRateOf } from './learning-rate';
import type { CellProgress } from './progress';
import { TRAINING_MOMENTUM } from './result-record';

/** Seed offset of the FGSM surrogate: an unregularized model of the same architecture, another seed. */
export const SURROGATE_SEED_OFFSET = 1000;

/** What training one model of a cell needs. */
export interface ModelJob {
  spec: ExperimentSpec;
  seed: number;
  role: ModelRole;
  cellDir: string;
  train: ImageDataset;
  regularization: { images: ImageDataset; targets: PairTargets };
  progress: CellProgress;
  index: number;
  count: number;
  signal?: AbortSignal;
  /**
   * Another cell folder whose finished model of this role may be reloaded instead of training it (a tune's
   * FGSM surrogate, which does not depend on α or Th): used when that cell trained it with the same task,
   * model, training, scale and split (the same weights), else the model is trained here.
   */
  reuseFrom?: string;
}

/** A trained (or reloaded) model, its record, and the seconds this process spent training it. */
export interface TrainedModel {
  model: tfl.LayersModel;
  record: ModelRecord;
  seconds: number;
}

/** The seed of a model of role `role` in a cell of seed `seed`. */
export function modelSeed(role: ModelRole, seed: number): number {
  return role === 'surrogate' ? seed + SURROGATE_SEED_OFFSET : seed;
}

function build(spec: ExperimentSpec, train: ImageDataset, seed: number): tfl.LayersModel {
  const [, h, w, c] = train.shape;
  const make = spec.model.architecture === 'resnet34' ? resnet34 : resnet18;
  return make({ inputShape: [h, w, c], classes: train.numClasses, width: spec.scale.width, seed });
}

/**
 * Trains the model `job.role` of a cell with the reference protocol, or reloads it when an earlier run
 * finished it. Training resumes from the last checkpoint of an interrupted run (exactly: same steps,
 * same result); the evaluated weights are those of the lowest-validation-loss epoch. Returns `null`
 * when `job.signal` aborted the training (the checkpoints stay valid for the next run).
 */
export async function trainModel(job: ModelJob): Promise<TrainedModel | null> {
  const { spec, role } = job;
  const dir = join(job.cellDir, 'models', role);
  const finalDir = join(dir, 'final');
  const seed = modelSeed(role, job.seed);
  const saved = readJsonIfExists<{ record: ModelRecord; seconds: number }>(join(dir, 'record.json'));
  const model = build(spec, job.train, seed);
  if (saved && existsSync(join(finalDir, 'model.json'))) {
    await loadCheckpoint(finalDir, { model });
    job.progress.line(`${role}: trained earlier (weights ${saved.record.fingerprint}), reloaded`);
    return { model, record: saved.record, seconds: saved.seconds };
  }
  const reused = job.reuseFrom ? await reloadFrom(job, model, seed) : null;
  if (reused) return reused;
  const alpha = role === 'regularized' ? spec.regularization.alpha : 0;
  // The surrogate needs no similarity metrics; the two compared models both report them.
  const regularizer =
    role === 'surrogate' ? undefined : new SimilarityRegularizer({ model, taps: RESNET_TAPS });
  const started = performance.now();
  try {
    const result = await train({
      model,
      regularizer,
      train: job.train,
      regularization: regularizer ? job.regularization : undefined,
      alpha,
      momentum: TRAINING_MOMENTUM,
      // undefined for the paper's schedule: train()'s default, as before the option existed.
      learningRate: learningRateOf(spec),
      epochs: spec.scale.epochs,
      seed,
      batchSize: spec.training.batchSize,
      pairBatchSize: spec.regularization.k,
      validationFraction: spec.training.validationFraction,
      inputScaling: spec.task.inputScaling,
      augment: spec.task.augment,
      checkpointDir: join(dir, 'checkpoints'),
      checkpointEverySteps: spec.training.checkpointEverySteps,
      resume: true,
      restoreBest: true,
      metricsFile: join(dir, 'metrics.jsonl'),
      progress: job.progress.trainWriter(role, job.index, job.count),
      signal: job.signal,
    });
    if (result.interrupted) {
      model.dispose();
      return null;
    }
    const record: ModelRecord = {
      role,
      seed,
      alpha,
      fingerprint: await weightFingerprintAsync(model),
      parameters: model.countParams(),
      bestEpoch: result.bestEpoch,
      bestValidationLoss: result.bestValidationLoss,
      steps: result.steps,
      initialHeldOutCorrelation: result.initialHeldOutCorrelation,
      history: result.history,
    };
    const seconds = (performance.now() - started) / 1000;
    await saveCheckpoint(finalDir, { model, metadata: { role, seed, fingerprint: record.fingerprint } });
    writeJson(join(dir, 'record.json'), { record, seconds });
    return { model, record, seconds };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    regularizer?.dispose();
  }
}

/** What an unregularized model's weights depend on, besides its seed. */
function unregularizedInputs(spec: ExperimentSpec): string {
  const { task, model, training, scale } = spec;
  return canonicalJson({ task, model, training, scale, split: spec.tuning?.validationFraction ?? null });
}

/** The finished model of `job.role` in the cell `job.reuseFrom`, when it has the same weights as one trained here. */
async function reloadFrom(job: ModelJob, model: tfl.LayersModel, seed: number): Promise<TrainedModel | null> {
  const other = job.reuseFrom as string;
  const dir = join(other, 'models', job.role);
  const cell = readJsonIfExists<{ spec?: ExperimentSpec }>(join(other, 'cell.json'));
  const saved = readJsonIfExists<{ record: ModelRecord; seconds: number }>(join(dir, 'record.json'));
  const same =
    job.role !== 'regularized' &&
    cell?.spec !== undefined &&
    unregularizedInputs(cell.spec) === unregularizedInputs(job.spec) &&
    saved?.record.seed === seed &&
    existsSync(join(dir, 'final', 'model.json'));
  if (!same || !saved) return null;
  await loadCheckpoint(join(dir, 'final'), { model });
  job.progress.line(`${job.role}: trained by ${other} (weights ${saved.record.fingerprint}), reloaded`);
  return { model, record: saved.record, seconds: saved.seconds };
}
