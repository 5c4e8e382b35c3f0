import { describeValue } from '@pixsim/core';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertLiveTensor, readOptions } from './arguments';
import {
  PACKAGE,
  InvalidOptionError,
  NonFiniteStepError,
  type NonFiniteSource,
  ShapeMismatchError,
} from './errors';
import type { PairPasses } from './pair-passes';
import {
  type PairForwardOptions,
  type SimilarityRegularizer,
  withCheckedStep,
} from './similarity-regularizer';
import { StepSnapshot, firstNonFiniteReads } from './step-guard';
import { type CheckedStep, checkStepOptionsReads } from './step-options';

/**
 * The task loss `L_task`:
 * - `'logits'` (default): the model outputs logits; softmax cross-entropy, mean over the batch;
 * - `'probabilities'`: the model ends in a softmax; cross-entropy of the probabilities (clipped at 1e-7
 *   inside the log, as Keras does);
 * - a function of the int32 labels `[B]` and the model output returning a scalar.
 */
export type TaskLoss = 'logits' | 'probabilities' | ((labels: tf.Tensor1D, output: tf.Tensor) => tf.Scalar);

/** One batch of k pairs for `L_sim`: network inputs of the first and second images, and their targets. */
export interface PairBatch {
  /** `[k, H, W, C]` network inputs (already scaled) of images i. */
  a: tf.Tensor4D;
  /** `[k, H, W, C]` network inputs of images j. */
  b: tf.Tensor4D;
  /** `[k]` targets `S^target_ij` in [−1, 1]. */
  targets: tf.Tensor1D | ArrayLike<number>;
}

/**
 * `L_sim` of one pair batch (see {@link SimilarityRegularizer.lossOf}); by default in training mode,
 * updating the running means first. Returns a scalar the caller disposes.
 */
export function regularizationLoss(
  regularizer: SimilarityRegularizer,
  batch: PairBatch,
  options: PairForwardOptions = {},
): tf.Scalar {
  const fn = 'regularizationLoss';
  if (batch == null || typeof batch !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: batch must be a pair batch { a, b, targets }, got ${describeValue(batch)}.`,
    );
  }
  const o = readOptions(fn, options);
  return regularizer.lossOf(batch.a, batch.b, batch.targets, o);
}

/** Computes `L_task` (allocates; call inside a tidy). */
export function taskLossOf(kind: TaskLoss, labels: tf.Tensor1D, output: tf.Tensor): tf.Scalar {
  const fn = 'taskLossOf';
  assertLiveTensor(fn, 'labels', labels, '[B] of int32 class indices');
  assertLiveTensor(fn, 'output', output, '[B, classes]');
  if (labels.rank !== 1 || labels.dtype !== 'int32' || labels.shape[0] !== output.shape[0]) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: labels must be an int32 tensor [B] with one class per output row (B = ${output.shape[0]}), got ` +
        `${labels.dtype} [${labels.shape.join(', ')}]. Use tf.tensor1d(labels, 'int32').`,
    );
  }
  if (typeof kind === 'function') return kind(labels, output);
  if (output.rank !== 2) {
    throw new ShapeMismatchError(
      PACKAGE,
      `taskLoss: the model output must be [B, classes] for '${kind}', got [${output.shape.join(', ')}]; ` +
        'pass a taskLoss function for other outputs.',
    );
  }
  const oneHot = tf.oneHot(labels, output.shape[1] as number);
  if (kind === 'logits') return tf.losses.softmaxCrossEntropy(oneHot, output) as tf.Scalar;
  if (kind === 'probabilities') {
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(output, 1e-7, 1))), 1))) as tf.Scalar;
  }
  throw new InvalidOptionError(
    PACKAGE,
    `taskLoss must be 'logits', 'probabilities' or a function, got ${describeValue(kind)}.`,
  );
}

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** The classification model (any `tf.LayersModel`); run in training mode. */
  model: tfl.LayersModel;
  /** Any TensorFlow.js optimiser, e.g. `tf.train.momentum(0.1, 0.9)`. */
  optimizer: tf.Optimizer;
  /** `[B, H, W, C]` network inputs (already scaled) of the classification batch. */
  inputs: tf.Tensor;
  /** `[B]` integer labels. */
  labels: tf.Tensor1D | Int32Array | ArrayLike<number>;
  /** The regularizer; with `pairs` and `alpha > 0` the step minimises `L_task + α·L_sim`. */
  regularizer?: SimilarityRegularizer;
  /** The pair batch for `L_sim`. */
  pairs?: PairBatch;
  /** α ≥ 0. Default 0 (no regularization). */
  alpha?: number;
  /** Default `'logits'`. */
  taskLoss?: TaskLoss;
  /** Variables to train; default the model's trainable weights plus the regularizer's `w`. */
  variables?: tf.Variable[];
  /**
   * How the pair images go through the network, after the classification batch: `'separate'` (default,
   * the reference: three training-mode passes per step — the B classification images, the k images i,
   * the k images j) or `'joint'` (two passes: B, then 2k; faster, one batch-norm statistic for the pairs).
   */
  pairPasses?: PairPasses;
  /** How errors name this batch (e.g. `'epoch 3, step 12'`). Default `'the batch'`. */
  batch?: string;
}

/** What one {@link trainStep} did. */
export interface StepResult {
  /** `L_task + α·L_sim` before the update. */
  loss: number;
  taskLoss: number;
  /** `L_sim` before the update (null when the step had no pair batch). */
  simLoss: number | null;
  /** Correctly classified images of the batch (argmax of the output, before the update). */
  correct: number;
}

/**
 * One optimiser step on `L = L_task + α·L_sim`. In the reference order, the classification batch, then
 * the k first images of the pairs, then the k second images go through the network in training mode
 * (three passes: batch norm uses each batch's own statistics and updates its running statistics three
 * times; `pairPasses: 'joint'` makes the pairs one pass), and a single update moves the network's
 * weights and the tap weights `w`. Leaves no tensors behind, also when it throws.
 *
 * Every option is checked before any tensor is made. The step never writes a non-finite value: image
 * batches are checked for NaN/±Infinity first (one fused reduction), and the loss, gradients, batch-norm
 * statistics and running means are checked before the update is applied; on a failure everything the
 * forward pass wrote is rolled back and {@link NonFiniteStepError} names the batch and the culprit.
 *
 * @throws {@link InvalidInputError} for a disposed, empty or ill-fitting tensor or model.
 * @throws {@link InvalidLabelsError} for a label that is not an integer in `[0, classes)`.
 * @throws {@link ModelMismatchError} when the regularizer taps another model than the one trained.
 * @throws {@link NonFiniteStepError} when an input or the computed update is not finite.
 */
export function trainStep(options: TrainStepOptions): StepResult {
  return runReadsSync(trainStepReads('trainStep', options));
}

/**
 * {@link trainStep} with asynchronous reads (`await data()` instead of `dataSync()`): the same step, the
 * same checks, results and errors, on every engine, including `webgpu` in Node, which has no synchronous
 * read. `train()` always steps this way.
 *
 * @throws the errors of {@link trainStep}.
 */
export async function trainStepAsync(options: TrainStepOptions): Promise<StepResult> {
  return runReadsAsync(trainStepReads('trainStepAsync', options));
}

/**
 * The training step as a `TensorReads` computation: {@link trainStep} runs it with synchronous reads,
 * {@link trainStepAsync} and `train()` with asynchronous ones. `fn` names the caller in errors.
 *
 * @internal
 */
export function* trainStepReads(fn: string, options: TrainStepOptions): TensorReads<StepResult> {
  const step = yield* checkStepOptionsReads(fn, options);
  const sim = step.sim;
  const images = sim ? [step.inputs, sim.a, sim.b] : [step.inputs];
  const bad = yield* firstNonFiniteReads(images);
  if (bad >= 0) throw new NonFiniteStepError(fn, INPUT_NAMES[bad], step.batch);
  const regularizer = sim?.regularizer ?? null;
  const snapshot = new StepSnapshot(step.model, regularizer);
  try {
    return yield* guardedStep(fn, step, snapshot);
  } catch (error) {
    snapshot.restore(regularizer);
    throw error;
  } finally {
    snapshot.dispose();
  }
}

const INPUT_NAMES = ['inputs', 'pairs.a', 'pairs.b'] as const;

/** Forward, gradients, finiteness check, update. Throws before the update on a non-finite value. */
function* guardedStep(fn: string, step: CheckedStep, snapshot: StepSnapshot): TensorReads<StepResult> {
  const { model, sim, alpha } = step;
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const labels = tf.tensor1d(step.labels, 'int32');
  let grads: tf.NamedTensorMap | null = null;
  let value: tf.Scalar | null = null;
  try {
    // The batch was checked for non-finite values above, and the loss is checked below: the regularizer
    // need not check its images nor read the range of its similarities (no read can happen in here).
    const computed = withCheckedStep(() =>
      step.optimizer.computeGradients(() => {
        const output = model.apply(step.inputs, { training: true }) as tf.Tensor;
        const task = taskLossOf(step.taskKind, labels, output);
        keep(tf.clone(task));
        keep(tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32')));
        if (!sim) return task;
        // The targets were read and checked with the options: passed as numbers, not read again.
        const l = sim.regularizer.lossOf(sim.a, sim.b, sim.targets, {
          training: true,
          pairPasses: step.pairPasses,
        });
        keep(tf.clone(l));
        return tf.add(task, tf.mul(l, alpha)) as tf.Scalar;
      }, step.variables),
    );
    value = computed.value;
    grads = computed.grads;
    const { statistics, means } = snapshot.written(sim?.regularizer ?? null);
    const named = step.variables.map((v) => ({ name: v.name, tensor: grads![v.name] }));
    const gradList = named.map((g) => g.tensor);
    let bad: number;
    try {
      bad = yield* firstNonFiniteReads([value, ...gradList, ...statistics, ...means]);
    } finally {
      tf.dispose(means);
    }
    if (bad >= 0)
      throw new NonFiniteStepError(fn, sourceOf(bad, gradList.length, statistics.length), step.batch);
    step.optimizer.applyGradients(named);
    // One read of the four numbers (float32 holds the count exactly).
    const numbers = tf.tidy(() =>
      tf.stack([value!, kept[0], sim ? kept[2] : tf.scalar(0), tf.cast(kept[1], 'float32')]),
    );
    let read: ArrayLike<number>;
    try {
      read = yield numbers;
    } finally {
      numbers.dispose();
    }
    return { loss: read[0], taskLoss: read[1], simLoss: sim ? read[2] : null, correct: read[3] };
  } finally {
    tf.dispose([labels, ...kept]);
    if (value) value.dispose();
    if (grads) tf.dispose(Object.values(grads));
  }
}

/** Names the quantity at position `i` of `[loss, ...gradients, ...statistics, ...means]`. */
function sourceOf(i: number, grads: number, statistics: number): NonFiniteSource {
  if (i === 0) return 'loss';
  if (i <= grads) return 'gradients';
  return i <= grads + statistics ? 'batch-norm statistics' : 'running means';
}
