import type { PairTargets } from '@pixsim/regularizer';
import type { ResolvedExperiment } from '../resolve';
import {
  type BoundaryRecord,
  type CellResult,
  type CurveRecord,
  type EvaluationRecord,
  type ModelRecord,
  RESULT_FORMAT,
  type TrainingRecord,
} from '../result';
import type { ExperimentSpec } from '../spec';
import type { RegularizationData, TaskData } from './data';
import { learningRateWords } from './learning-rate';
import { currentEngine, type EngineInfo, packageVersions, sourceCommit } from './environment';

/** SGD momentum of every model (the reference's, and `train()`'s default). */
export const TRAINING_MOMENTUM = 0.9;

/** The optimiser settings a result records. */
export function trainingRecord(spec: ExperimentSpec): TrainingRecord {
  return {
    optimizer: 'sgd-momentum',
    momentum: TRAINING_MOMENTUM,
    // The reference trains without weight decay; train() of @pixsim/regularizer has none.
    weightDecay: 0,
    learningRate: learningRateWords(spec),
    batchSize: spec.training.batchSize,
    pairBatchSize: spec.regularization.k,
  };
}

export { standInNote } from './imagenet';

function deviationNotes(spec: ExperimentSpec): string[] {
  const cifar = spec.task.dataset === 'cifar10' || spec.task.dataset === 'cifar100';
  return cifar && spec.task.augment === undefined
    ? [
        'No training augmentation: task.augment is absent (the reference uses random crop 32 with padding 4 and horizontal flips).',
      ]
    : [];
}

function tuningNotes(spec: ExperimentSpec, task: TaskData): string[] {
  const notes: string[] = [];
  if (spec.tuning) {
    notes.push(
      `Tuning cell (${spec.tuning.role}): evaluated on ${task.test.size.toLocaleString('en')} held-out training images ` +
        `(a fixed ${spec.tuning.validationFraction} split, not trained on), never on the test set.`,
    );
  }
  const t = spec.tuned;
  if (t) {
    const { alpha, th } = spec.regularization;
    notes.push(
      t.source === 'tune'
        ? `Tuned pair α = ${alpha}, Th = ${th} (instead of α = ${t.replaced.alpha}, Th = ${t.replaced.th}), selected by pixsim tune ` +
            `on a validation split, preset '${t.tunePreset}', seeds ${(t.tuneSeeds ?? []).join(', ')} (${t.file}).`
        : `α = ${alpha}, Th = ${th} given on the command line (instead of α = ${t.replaced.alpha}, Th = ${t.replaced.th}).`,
    );
  }
  return notes;
}

/** What a cell's work produced. */
export type Work = {
  models: ModelRecord[];
  curves: CurveRecord[];
  boundary: BoundaryRecord[];
  evaluations?: EvaluationRecord[];
};

/** What {@link assembleResult} reads. */
export interface ResultParts {
  experiment: ResolvedExperiment;
  seed: number;
  engine?: EngineInfo;
  specHash: string;
  startedAt: string;
  task: TaskData;
  reg: RegularizationData;
  targets: PairTargets;
  phases: Record<string, number>;
  work: Work;
}

/** Training and test images of the published data sets, the paper's `'all'`. */
const PUBLISHED_SIZES: Readonly<Record<string, { train: number; test: number }>> = {
  mnist: { train: 60000, test: 10000 },
  'fashion-mnist': { train: 60000, test: 10000 },
  cifar10: { train: 50000, test: 10000 },
  cifar100: { train: 50000, test: 10000 },
};

/**
 * Where `'all'` meant fewer images than the published data set has (the shared CIFAR-10 copy holds 10,000
 * training images, not 50,000): the scale says "all", so only the data copy can tell.
 */
export function dataCopyReductions(
  spec: ExperimentSpec,
  task: Pick<TaskData, 'fullTrain' | 'test'>,
): string[] {
  const published = PUBLISHED_SIZES[spec.task.dataset];
  if (!published) return [];
  const out: string[] = [];
  const n = (x: number) => x.toLocaleString('en');
  if (spec.scale.trainImages === 'all' && task.fullTrain.size < published.train) {
    out.push(
      `training images ${n(task.fullTrain.size)} instead of ${n(published.train)} (all the data copy holds)`,
    );
  }
  // A tuning cell's test images are its validation split, smaller by design.
  if (!spec.tuning && spec.scale.testImages === 'all' && task.test.size < published.test) {
    out.push(`test images ${n(task.test.size)} instead of ${n(published.test)} (all the data copy holds)`);
  }
  return out;
}

/** The cell's `result.json`. */
export function assembleResult(p: ResultParts): CellResult {
  const { spec, preset, reductions } = p.experiment;
  const { task, reg, targets } = p;
  return {
    format: RESULT_FORMAT,
    experiment: spec.id,
    preset: preset.name,
    seed: p.seed,
    specHash: p.specHash,
    spec,
    presetSpec: preset,
    reductions: [...reductions, ...dataCopyReductions(spec, task), ...reg.reductions],
    notes: [...reg.notes, ...deviationNotes(spec), ...tuningNotes(spec, task)],
    data: {
      task: {
        dataset: spec.task.dataset,
        source: task.source,
        trainImages: task.train.size,
        testImages: task.test.size,
        evaluatedOn: spec.tuning ? 'validation' : 'test',
      },
      regularization: {
        dataset: spec.regularization.dataset,
        source: reg.source,
        n: reg.images.size,
        standIn: reg.standIn,
        provenance: reg.provenance,
        imageShape: reg.images.shape.slice(1),
      },
      pairs: targets.pairs.length / 2,
    },
    training: trainingRecord(spec),
    environment: {
      packages: packageVersions(),
      sourceCommit: sourceCommit(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      ...(p.engine ?? currentEngine()),
    },
    phases: p.phases,
    startedAt: p.startedAt,
    finishedAt: new Date().toISOString(),
    ...p.work,
  };
}
