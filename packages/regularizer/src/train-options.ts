import { describeValue } from '@pixsim/core';
import { type Augmenter, resolveAugmentation } from './augment';
import { cyclicStepDecay, type LearningRateSchedule } from './lr-schedule';
import { PACKAGE, InvalidOptionError } from './errors';
import type { CheckpointStore } from './checkpoint';
import { type InputScaling, taskInputScaling } from './image-set';
import { type PairPasses, resolvePairPasses } from './pair-passes';
import { assertSeed } from './random';
import { assertFieldTypes } from './train-option-types';
import type { TaskLoss } from './train-step';
import { consoleLines } from './progress';
import type { TrainFiles } from './train-files';
import type { TrainOptions } from './trainer-types';

/** {@link TrainOptions} validated, with every default filled in. */
export interface ResolvedOptions {
  alpha: number;
  epochs: number;
  seed: number;
  batchSize: number;
  pairBatchSize: number;
  schedule: LearningRateSchedule;
  momentum: number;
  inputScaling: InputScaling;
  /** Augmentation of the classification batch, or null. */
  augment: Augmenter | null;
  pairPasses: PairPasses;
  taskLoss: TaskLoss;
  validationFraction: number;
  metricsFile: string | null;
  progress: { write(s: string): unknown } | null;
  checkpointDir: string | null;
  checkpoint: CheckpointStore | null;
  checkpointEverySteps: number;
  resume: boolean;
  restoreBest: boolean;
  stopAfterSteps: number;
  evalBatchSize: number;
  onStep: TrainOptions['onStep'] | null;
  onEpochEnd: TrainOptions['onEpochEnd'] | null;
}

/**
 * Validates {@link TrainOptions} and fills in the reference defaults; `files` is the Node entry's file
 * system (`null` in the universal `train()`, which then refuses options that need one).
 */
export function resolveOptions(
  options: TrainOptions & { metricsFile?: string },
  files: TrainFiles | null,
): ResolvedOptions {
  const fn = 'train';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object { model, train, epochs, seed, … }, got ${describeValue(options)}.`,
    );
  }
  if (!options.model) throw new InvalidOptionError(PACKAGE, `${fn}: options.model is required.`);
  assertFieldTypes(fn, options);
  const positiveInt = (name: string, v: unknown, dflt: number) => {
    const x = v ?? dflt;
    if (!(Number.isInteger(x) && (x as number) >= 1)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be a positive integer, got ${describeValue(v)}.`,
      );
    }
    return x as number;
  };
  const alpha = options.alpha ?? 0;
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: alpha α must be a finite number ≥ 0, got ${describeValue(options.alpha)}; pass e.g. alpha: 4.`,
    );
  }
  assertSeed(fn, options.seed);
  const lr = options.learningRate ?? cyclicStepDecay();
  let schedule: LearningRateSchedule;
  if (typeof lr === 'number') {
    if (!(Number.isFinite(lr) && lr > 0)) {
      throw new InvalidOptionError(PACKAGE, `${fn}: learningRate must be > 0, got ${describeValue(lr)}.`);
    }
    schedule = () => lr;
  } else if (typeof lr === 'function') {
    schedule = (epoch) => {
      const v = lr(epoch);
      if (!(Number.isFinite(v) && v > 0)) {
        throw new InvalidOptionError(
          PACKAGE,
          `${fn}: the learning-rate schedule gave ${v} for epoch ${epoch}; it must be > 0.`,
        );
      }
      return v;
    };
  } else {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: learningRate must be a number or a function of the epoch, got ${describeValue(lr)}.`,
    );
  }
  const momentum = options.momentum ?? 0.9;
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum < 1))
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: momentum must be a number in [0, 1), got ${describeValue(momentum)}.`,
    );
  // Node: the terminal's stderr; elsewhere (browsers) `true` prints the epoch summaries to the console.
  const stderr = globalThis.process?.stderr;
  const progressOption = options.progress ?? stderr?.isTTY === true;
  const progress =
    progressOption === true ? (stderr ?? consoleLines()) : progressOption === false ? null : progressOption;
  if ((options.resume || options.checkpointEverySteps) && !options.checkpointDir) {
    throw new InvalidOptionError(PACKAGE, `${fn}: resume and checkpointEverySteps need a checkpointDir.`);
  }
  if (files === null && options.metricsFile != null) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: metricsFile writes a file, which the universal train() of '@pixsim/regularizer' never does; ` +
        "in Node import { train } from '@pixsim/regularizer/node', elsewhere read result.history.",
    );
  }
  if (files === null && options.checkpointDir && options.checkpoint == null) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: checkpointDir needs a checkpoint store in the universal train() of '@pixsim/regularizer': pass ` +
        'checkpoint: memoryCheckpointStore() (or your own CheckpointStore), or in Node import { train } from ' +
        "'@pixsim/regularizer/node' for checkpoint files.",
    );
  }
  return {
    alpha,
    epochs: positiveInt('epochs', options.epochs, Number.NaN),
    seed: options.seed,
    batchSize: positiveInt('batchSize', options.batchSize, 64),
    pairBatchSize: positiveInt('pairBatchSize', options.pairBatchSize, 16),
    schedule,
    momentum,
    inputScaling: options.inputScaling ?? taskInputScaling(options.train?.name),
    augment: resolveAugmentation(fn, options.augment),
    pairPasses: resolvePairPasses(fn, options.pairPasses),
    taskLoss: options.taskLoss ?? 'logits',
    validationFraction: options.validationFraction ?? 0.01,
    metricsFile: options.metricsFile ?? null,
    progress,
    checkpointDir: options.checkpointDir ?? null,
    checkpoint: options.checkpointDir ? (options.checkpoint ?? files!.defaultStore()) : null,
    checkpointEverySteps:
      options.checkpointEverySteps === undefined
        ? 0
        : positiveInt('checkpointEverySteps', options.checkpointEverySteps, 1),
    resume: options.resume ?? false,
    restoreBest: options.restoreBest ?? false,
    stopAfterSteps:
      options.stopAfterSteps === undefined
        ? Number.POSITIVE_INFINITY
        : positiveInt('stopAfterSteps', options.stopAfterSteps, 1),
    evalBatchSize: positiveInt('evalBatchSize', options.evalBatchSize, 256),
    onStep: callback(fn, 'onStep', options.onStep),
    onEpochEnd: callback(fn, 'onEpochEnd', options.onEpochEnd),
  };
}

/** A callback option: a function or absent. */
function callback<F>(fn: string, name: string, value: F | undefined): F | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a function, got ${typeof value}; pass a function or leave it out.`,
    );
  }
  return value;
}
