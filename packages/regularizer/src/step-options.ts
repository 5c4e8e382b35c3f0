import { describeValue } from '@pixsim/core';
import { runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertImageBatch, assertLiveModel, labelsReads, targetsReads } from './arguments';
import { PACKAGE, InvalidOptionError, ModelMismatchError, ShapeMismatchError } from './errors';
import { type PairPasses, resolvePairPasses } from './pair-passes';
import { SimilarityRegularizer } from './similarity-regularizer';
import { warnIfSoftmaxLogits } from './softmax-warning';
import type { TaskLoss, TrainStepOptions } from './train-step';

/** The options of a training step, every one checked before any tensor is made. */
export interface CheckedStep {
  model: tfl.LayersModel;
  optimizer: tf.Optimizer;
  inputs: tf.Tensor4D;
  labels: Int32Array;
  alpha: number;
  taskKind: TaskLoss;
  pairPasses: PairPasses;
  /** Set when the step includes `L_sim`. */
  sim: { regularizer: SimilarityRegularizer; a: tf.Tensor4D; b: tf.Tensor4D; targets: Float32Array } | null;
  variables: tf.Variable[];
  batch: string;
}

function inputShapeOf(model: tfl.LayersModel): (number | null)[] {
  return model.inputs.length === 1 ? [...model.inputs[0].shape] : [];
}

/** The model's class count for the built-in task losses (its `[B, classes]` output width). */
function classCount(fn: string, model: tfl.LayersModel, taskKind: TaskLoss): number {
  if (typeof taskKind === 'function') return Number.POSITIVE_INFINITY;
  if (taskKind !== 'logits' && taskKind !== 'probabilities') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: taskLoss must be 'logits', 'probabilities' or a function, got ${describeValue(taskKind)}.`,
    );
  }
  const shape = model.outputs.length === 1 ? model.outputs[0].shape : null;
  if (shape == null || shape.length !== 2 || shape[1] == null) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: the model output must be [B, classes] for taskLoss '${taskKind}', got ` +
        `${shape ? `[${shape.join(', ')}]` : `${model.outputs.length} outputs`}; pass a taskLoss function for other outputs.`,
    );
  }
  return shape[1];
}

/** Throws {@link ModelMismatchError} unless `L_sim` of `regularizer` reaches some of `variables` besides `w`. */
function assertSharedWeights(
  fn: string,
  regularizer: SimilarityRegularizer,
  variables: readonly tf.Variable[],
): void {
  const trained = new Set(variables.map((v) => v.id));
  const shared = regularizer.featureModel.trainableWeights.some((w) => trained.has(w.read().id));
  if (!shared) {
    throw new ModelMismatchError(
      `${fn}: the regularizer taps a model none of whose weights are trained in this step, so L_sim could ` +
        'not move them; build the SimilarityRegularizer on the model you train (the same object, not a copy).',
    );
  }
}

function checkVariables(fn: string, variables: unknown): tf.Variable[] {
  if (!Array.isArray(variables) || !variables.every((v) => v instanceof tf.Variable && !v.isDisposed)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: variables must be an array of live tf.Variable, got ${describeValue(variables)}.`,
    );
  }
  return variables;
}

function* checkPairs(
  fn: string,
  options: TrainStepOptions,
  pairPasses: PairPasses,
): TensorReads<CheckedStep['sim']> {
  const { regularizer, pairs } = options;
  if (!(regularizer instanceof SimilarityRegularizer)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pairs and alpha > 0 were given without a regularizer; pass one.`,
    );
  }
  if (regularizer.isDisposed) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: the regularizer was disposed; create a new SimilarityRegularizer.`,
    );
  }
  if (pairs == null || typeof pairs !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pairs must be { a, b, targets }, got ${describeValue(pairs)}.`,
    );
  }
  const shape = [...regularizer.featureModel.inputs[0].shape];
  assertImageBatch(fn, 'pairs.a', pairs.a, shape, false);
  assertImageBatch(fn, 'pairs.b', pairs.b, shape, false);
  if (!tf.util.arraysEqual(pairs.a.shape, pairs.b.shape)) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: pairs.a is [${pairs.a.shape.join(', ')}] but pairs.b is [${pairs.b.shape.join(', ')}]; give ` +
        'the two images of each pair at one size.',
    );
  }
  resolvePairPasses(fn, pairPasses);
  const targets = yield* targetsReads(fn, pairs.targets, pairs.a.shape[0]);
  return { regularizer, a: pairs.a, b: pairs.b, targets };
}

/** Checks every option of {@link trainStep}, allocating no tensor. */
export function checkStepOptions(fn: string, options: TrainStepOptions): CheckedStep {
  return runReadsSync(checkStepOptionsReads(fn, options));
}

/**
 * {@link checkStepOptions} as a `TensorReads` computation: labels and targets given as tensors are read by
 * the driver that runs it.
 */
export function* checkStepOptionsReads(fn: string, options: TrainStepOptions): TensorReads<CheckedStep> {
  if (options == null || typeof options !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pass an options object { model, optimizer, inputs, labels }.`,
    );
  }
  const { model, optimizer } = options;
  assertLiveModel(fn, 'model', model);
  // tf.Optimizer's instanceof check reads a property of its operand, so test for null first.
  if (optimizer == null || !(optimizer instanceof tf.Optimizer)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: optimizer must be a tf.Optimizer (e.g. tf.train.momentum(0.1, 0.9)).`,
    );
  }
  const alpha = options.alpha ?? 0;
  if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha >= 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: alpha α must be a finite number ≥ 0, got ${describeValue(options.alpha)}; pass e.g. alpha: 4.`,
    );
  }
  const pairPasses = resolvePairPasses(fn, options.pairPasses);
  const taskKind = options.taskLoss ?? 'logits';
  const classes = classCount(fn, model, taskKind);
  warnIfSoftmaxLogits(fn, model, taskKind);
  assertImageBatch(fn, 'inputs', options.inputs, inputShapeOf(model), true);
  const labels = yield* labelsReads(fn, options.labels, options.inputs.shape[0], classes);
  const sim = alpha > 0 && options.pairs != null ? yield* checkPairs(fn, options, pairPasses) : null;
  const variables =
    options.variables != null
      ? checkVariables(fn, options.variables)
      : [
          ...model.trainableWeights.map((w) => w.read() as tf.Variable),
          ...(sim ? sim.regularizer.trainableVariables : []),
        ];
  if (sim) assertSharedWeights(fn, sim.regularizer, variables);
  const batch = options.batch ?? 'the batch';
  if (typeof batch !== 'string')
    throw new InvalidOptionError(PACKAGE, `${fn}: batch must be a string, got ${describeValue(batch)}.`);
  return {
    model,
    optimizer,
    inputs: options.inputs,
    labels,
    alpha,
    taskKind,
    pairPasses,
    sim,
    variables,
    batch,
  };
}
