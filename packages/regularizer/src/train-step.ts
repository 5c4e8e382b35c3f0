import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidOptionError, NonFiniteValueError, ShapeMismatchError } from './errors';
import { type PairPasses, resolvePairPasses } from './pair-passes';
import type { PairForwardOptions, SimilarityRegularizer } from './similarity-regularizer';

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
  return regularizer.lossOf(batch.a, batch.b, batch.targets, options);
}

/** Computes `L_task` (allocates; call inside a tidy). */
export function taskLossOf(kind: TaskLoss, labels: tf.Tensor1D, output: tf.Tensor): tf.Scalar {
  if (typeof kind === 'function') return kind(labels, output);
  if (output.rank !== 2) {
    throw new ShapeMismatchError(
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
    `taskLoss must be 'logits', 'probabilities' or a function, got ${String(kind)}.`,
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
 * weights and the tap weights `w`. Leaves no tensors behind.
 */
export function trainStep(options: TrainStepOptions): StepResult {
  const fn = 'trainStep';
  const { model, optimizer, inputs, regularizer, pairs } = options;
  const alpha = options.alpha ?? 0;
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new InvalidOptionError(`${fn}: alpha α must be a finite number ≥ 0, got ${options.alpha}.`);
  }
  const pairPasses = resolvePairPasses(fn, options.pairPasses);
  const useSim = alpha > 0 && pairs != null;
  if (useSim && !regularizer) {
    throw new InvalidOptionError(`${fn}: pairs and alpha > 0 were given without a regularizer; pass one.`);
  }
  const batch = inputs.shape[0];
  const labelCount = options.labels instanceof tf.Tensor ? options.labels.size : options.labels.length;
  if (labelCount !== batch) {
    throw new ShapeMismatchError(
      `${fn}: ${batch} inputs but ${labelCount} labels; give one label per image.`,
    );
  }
  const variables = options.variables ?? [
    ...model.trainableWeights.map((w) => w.read() as tf.Variable),
    ...(useSim ? regularizer!.trainableVariables : []),
  ];
  const taskKind = options.taskLoss ?? 'logits';
  let taskValue: tf.Tensor | null = null;
  let simValue: tf.Tensor | null = null;
  let correctValue: tf.Tensor | null = null;
  const labels =
    options.labels instanceof tf.Tensor
      ? (tf.cast(options.labels, 'int32') as tf.Tensor1D)
      : tf.tensor1d(Int32Array.from(options.labels as ArrayLike<number>), 'int32');
  try {
    const total = optimizer.minimize(
      () => {
        const output = model.apply(inputs, { training: true }) as tf.Tensor;
        const task = taskLossOf(taskKind, labels, output);
        taskValue = tf.keep(tf.clone(task));
        correctValue = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32')));
        if (!useSim) return task;
        const sim = regularizer!.lossOf(pairs!.a, pairs!.b, pairs!.targets, {
          training: true,
          pairPasses,
        });
        simValue = tf.keep(tf.clone(sim));
        return tf.add(task, tf.mul(sim, alpha)) as tf.Scalar;
      },
      true,
      variables,
    );
    const loss = total!.dataSync()[0];
    total!.dispose();
    const result: StepResult = {
      loss,
      taskLoss: (taskValue as tf.Tensor | null)!.dataSync()[0],
      simLoss: simValue ? (simValue as tf.Tensor).dataSync()[0] : null,
      correct: (correctValue as tf.Tensor | null)!.dataSync()[0],
    };
    if (!Number.isFinite(loss)) {
      throw new NonFiniteValueError(
        `${fn}: the loss became ${loss} (L_task ${result.taskLoss}, L_sim ${result.simLoss}); lower the ` +
          'learning rate or α, and check the inputs for NaN.',
      );
    }
    return result;
  } finally {
    labels.dispose();
    (taskValue as tf.Tensor | null)?.dispose();
    (simValue as tf.Tensor | null)?.dispose();
    (correctValue as tf.Tensor | null)?.dispose();
  }
}
