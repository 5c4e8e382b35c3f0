import { describeValue } from '@pixsim/core';
import {
  atanhSquaredLossReads,
  mseLossReads,
  pearsonCorrelation,
  runReadsAsync,
  runReadsSync,
  type TensorReads,
} from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertNumberList, assertPairList, assertPairTargets, readOptions } from './arguments';
import { PACKAGE, InvalidOptionError } from './errors';
import { ImageStore, type InputScaling, scaleInputs } from './image-set';
import { finiteImagesReads, type SimilarityRegularizer, withCheckedStep } from './similarity-regularizer';
import { type PairTargets, targetsOf } from './targets';
import { type TaskLoss, taskLossOf } from './train-step';

/** Classification loss and accuracy of a set of images. */
export interface ClassifierEvaluation {
  loss: number;
  accuracy: number;
}

/** Options of {@link evaluateClassifier}. */
export interface ClassifierEvaluationOptions {
  inputScaling?: InputScaling;
  taskLoss?: TaskLoss;
  /** Images per forward pass. Default 256. */
  batchSize?: number;
}

/**
 * Mean task loss and accuracy of `model` (inference mode) on images `indices` of `store`.
 */
export function evaluateClassifier(
  model: tfl.LayersModel,
  store: ImageStore,
  indices: ArrayLike<number>,
  options: ClassifierEvaluationOptions = {},
): ClassifierEvaluation {
  return runReadsSync(classifierReads('evaluateClassifier', model, store, indices, options));
}

/**
 * {@link evaluateClassifier} with asynchronous reads (`await data()`): works on every engine, the `webgpu`
 * engine in Node included. Same results and errors.
 */
export async function evaluateClassifierAsync(
  model: tfl.LayersModel,
  store: ImageStore,
  indices: ArrayLike<number>,
  options: ClassifierEvaluationOptions = {},
): Promise<ClassifierEvaluation> {
  return runReadsAsync(classifierReads('evaluateClassifierAsync', model, store, indices, options));
}

function* classifierReads(
  fn: string,
  model: tfl.LayersModel,
  store: ImageStore,
  indices: ArrayLike<number>,
  options: ClassifierEvaluationOptions,
): TensorReads<ClassifierEvaluation> {
  assertStore(fn, store);
  assertNumberList(fn, 'indices', indices);
  readOptions(fn, options);
  const batchSize = options.batchSize ?? 256;
  if (indices.length === 0) throw new InvalidOptionError(PACKAGE, `${fn}: no images to evaluate.`);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = Array.prototype.slice.call(indices, start, start + batchSize) as number[];
    const labels = store.labelsOf(idx);
    // Loss and correct count in one read (float32 holds the count exactly).
    const both = tf.tidy(() => {
      const x = scaleInputs(store.gather(idx), options.inputScaling);
      const y = tf.tensor1d(labels, 'int32');
      const out = model.apply(x, { training: false }) as tf.Tensor;
      const l = taskLossOf(options.taskLoss ?? 'logits', y, out);
      const c = tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), y), 'int32'));
      return tf.stack([tf.reshape(l, []), tf.cast(c, 'float32')]);
    });
    let loss: number;
    let right: number;
    try {
      [loss, right] = yield both;
    } finally {
      both.dispose();
    }
    lossSum += loss * idx.length;
    correct += right;
  }
  return { loss: lossSum / indices.length, accuracy: correct / indices.length };
}

/** How well the network's similarities match the targets on a set of pairs. */
export interface SimilarityEvaluation {
  /** Pearson correlation between `S^CNN` and `S^target` over the pairs (null when either is constant). */
  correlation: number | null;
  /** `L_sim` (the regularizer's loss kind) over the pairs. */
  simLoss: number;
  /** `S^CNN` of every pair. */
  similarities: Float32Array;
  /** `S^target` of every pair. */
  targets: Float32Array;
}

/**
 * The network's similarities on `pairs` (e.g. held-out pairs), in inference mode, compared with the
 * targets. Each tap is centred by its per-channel mean over the distinct images of these pairs (not by
 * the training running means, which an unregularized network never updates), so the figure compares
 * networks fairly whatever their training.
 */
export function evaluateSimilarity(
  regularizer: SimilarityRegularizer,
  store: ImageStore,
  targets: PairTargets,
  pairs: Int32Array,
  options: SimilarityEvaluationOptions = {},
): SimilarityEvaluation {
  return runReadsSync(similarityReads('evaluateSimilarity', regularizer, store, targets, pairs, options));
}

/** Options of {@link evaluateSimilarity}. */
export interface SimilarityEvaluationOptions {
  inputScaling?: InputScaling;
  /** Images per forward pass (at least 2). Default 128. */
  batchSize?: number;
}

/**
 * {@link evaluateSimilarity} with asynchronous reads (`await data()`): works on every engine, the `webgpu`
 * engine in Node included. Same results and errors.
 */
export async function evaluateSimilarityAsync(
  regularizer: SimilarityRegularizer,
  store: ImageStore,
  targets: PairTargets,
  pairs: Int32Array,
  options: SimilarityEvaluationOptions = {},
): Promise<SimilarityEvaluation> {
  return runReadsAsync(
    similarityReads('evaluateSimilarityAsync', regularizer, store, targets, pairs, options),
  );
}

function* similarityReads(
  fn: string,
  regularizer: SimilarityRegularizer,
  store: ImageStore,
  targets: PairTargets,
  pairs: Int32Array,
  options: SimilarityEvaluationOptions,
): TensorReads<SimilarityEvaluation> {
  assertStore(fn, store);
  assertPairTargets(fn, targets);
  assertPairList(fn, pairs, targets.n);
  readOptions(fn, options);
  const batchSize = Math.max(2, options.batchSize ?? 128);
  const k = pairs.length >> 1;
  if (k < 1) throw new InvalidOptionError(PACKAGE, `${fn}: no pairs to evaluate.`);
  const images = Array.from(new Set(pairs)).sort((x, y) => x - y);
  // Pass 1: per-tap channel means over the distinct images.
  let sums: Float64Array[] | null = null;
  for (let start = 0; start < images.length; start += batchSize) {
    const idx = images.slice(start, start + batchSize);
    const x = tf.tidy(() => scaleInputs(store.gather(idx), options.inputScaling) as tf.Tensor4D);
    let means: tf.Tensor1D[];
    try {
      // The regularizer's own check, read by this driver; then the regularizer runs without it.
      yield* finiteImagesReads('SimilarityRegularizer.tapMeans', ['images'], [x]);
      means = withCheckedStep(() => regularizer.tapMeans(x));
    } finally {
      x.dispose();
    }
    const values: ArrayLike<number>[] = [];
    try {
      for (const m of means) values.push(yield m);
    } finally {
      tf.dispose(means);
    }
    sums ??= values.map((v) => new Float64Array(v.length));
    values.forEach((v, t) => {
      for (let c = 0; c < v.length; c++) sums![t][c] += v[c] * idx.length;
    });
  }
  const centres = sums!.map((v) => tf.tensor1d(Float32Array.from(v, (x) => x / images.length)));
  // Pass 2: the similarities of the pairs.
  const similarities = new Float32Array(k);
  const pairsPerBatch = Math.max(1, batchSize >> 1);
  try {
    for (let p0 = 0; p0 < k; p0 += pairsPerBatch) {
      const count = Math.min(pairsPerBatch, k - p0);
      const first = new Int32Array(count);
      const second = new Int32Array(count);
      for (let p = 0; p < count; p++) {
        first[p] = pairs[2 * (p0 + p)];
        second[p] = pairs[2 * (p0 + p) + 1];
      }
      const [a, b] = tf.tidy(() => [
        scaleInputs(store.gather(first), options.inputScaling) as tf.Tensor4D,
        scaleInputs(store.gather(second), options.inputScaling) as tf.Tensor4D,
      ]);
      let s: tf.Tensor1D;
      try {
        yield* finiteImagesReads('SimilarityRegularizer.tapSimilarities', ['a', 'b'], [a, b]);
        s = withCheckedStep(() => regularizer.pairSimilarities(a, b, { training: false, centres }));
      } finally {
        tf.dispose([a, b]);
      }
      try {
        similarities.set(yield s, p0);
      } finally {
        s.dispose();
      }
    }
  } finally {
    tf.dispose(centres);
  }
  const y = targetsOf(targets, pairs);
  const pred = tf.tensor1d(similarities);
  const target = tf.tensor1d(y);
  let simLoss: number;
  try {
    const loss =
      regularizer.loss === 'mse'
        ? yield* mseLossReads(pred, target)
        : yield* atanhSquaredLossReads(pred, target, { eps: regularizer.eps, scale: regularizer.loss });
    try {
      simLoss = (yield loss)[0];
    } finally {
      loss.dispose();
    }
  } finally {
    tf.dispose([pred, target]);
  }
  return { correlation: pearsonCorrelation(similarities, y), simLoss, similarities, targets: y };
}

function assertStore(fn: string, store: unknown): asserts store is ImageStore {
  if (!(store instanceof ImageStore)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: store must be an ImageStore (new ImageStore({ images, shape, labels })), got ${describeValue(store)}.`,
    );
  }
}
