import * as tf from '@tensorflow/tfjs-core';
import { type Classifier, predictReads } from './classifier';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { assertLabelsInClasses, classCount, type Labels, labelsReads } from './validate';
import { argmaxRows } from './values-model';

/**
 * A decision oracle for black-box attacks: evaluates the classifier on some rows of a batch and tells
 * which are adversarial (predicted class ≠ the attacked label), counting one query per evaluated row.
 */
export interface DecisionOracle {
  /** Queries made so far, per image of the batch. */
  readonly queries: Int32Array;
  /**
   * Evaluates `x` (`[rows.length, D]`, flattened images) as the images `rows` of the batch.
   * @returns 1 where the prediction differs from the attacked label, else 0.
   */
  isAdversarial(rows: Int32Array, x: tf.Tensor2D): Uint8Array;
  /**
   * {@link DecisionOracle.isAdversarial} as a {@link TensorReads} computation, which the attacks' `*Async`
   * functions run with `await data()`. Optional for oracles of your own (those are called synchronously).
   */
  isAdversarialReads?(rows: Int32Array, x: tf.Tensor2D): TensorReads<Uint8Array>;
  /**
   * {@link DecisionOracle.isAdversarial} on plain row-major values (`rows.length · D` floats), without a
   * tfjs tensor: present when the classifier has `logitsValues` (onnxruntime-node).
   */
  isAdversarialValues?(rows: Int32Array, values: Float32Array): Uint8Array;
}

/** Builds a {@link DecisionOracle} for images of shape `[H, W, C]` attacked at `labels`. */
export function createOracle(
  classifier: Classifier,
  imageShape: readonly [number, number, number],
  labels: Int32Array,
): DecisionOracle {
  const queries = new Int32Array(labels.length);
  const decide = (rows: Int32Array, p: ArrayLike<number>) => {
    const out = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      queries[rows[i]]++;
      out[i] = p[i] !== labels[rows[i]] ? 1 : 0;
    }
    return out;
  };
  const logitsValues = classifier.logitsValues?.bind(classifier);
  const predictValues = logitsValues
    ? (rows: Int32Array, values: Float32Array) => {
        const out = logitsValues(values, [rows.length, ...imageShape]);
        return argmaxRows(out.logits, out.k);
      }
    : undefined;
  function* isAdversarialReads(rows: Int32Array, x: tf.Tensor2D): TensorReads<Uint8Array> {
    // With a plain-values classifier, one read of x and no tfjs op (the same predictions).
    const pred = predictValues
      ? tf.tidy(() => tf.cast(x, 'float32'))
      : tf.tidy(() =>
          tf.argMax(classifier.logits(tf.reshape(x, [rows.length, ...imageShape]) as tf.Tensor4D), 1),
        );
    let p: ArrayLike<number>;
    try {
      p = yield pred;
    } finally {
      pred.dispose();
    }
    if (predictValues) p = predictValues(rows, p instanceof Float32Array ? p : Float32Array.from(p));
    return decide(rows, p);
  }
  return {
    queries,
    isAdversarial: (rows, x) => runReadsSync(isAdversarialReads(rows, x)),
    isAdversarialReads,
    ...(predictValues
      ? { isAdversarialValues: (rows, values) => decide(rows, predictValues(rows, values)) }
      : {}),
  };
}

/** Asks `oracle` about `x`, reading with the driver that runs the computation where the oracle allows. */
export function* queryOracle(
  oracle: DecisionOracle,
  rows: Int32Array,
  x: tf.Tensor2D,
): TensorReads<Uint8Array> {
  if (oracle.isAdversarialReads) return yield* oracle.isAdversarialReads(rows, x);
  return oracle.isAdversarial(rows, x);
}

/**
 * Asks `oracle` about plain row-major values (`rows.length` images of `d` values): without a tensor where
 * the oracle has {@link DecisionOracle.isAdversarialValues}, else through a `[rows.length, d]` tensor.
 */
export function* queryOracleValues(
  oracle: DecisionOracle,
  rows: Int32Array,
  values: Float32Array,
  d: number,
): TensorReads<Uint8Array> {
  if (oracle.isAdversarialValues) return oracle.isAdversarialValues(rows, values);
  const t = tf.tensor2d(values, [rows.length, d]);
  try {
    return yield* queryOracle(oracle, rows, t);
  } finally {
    t.dispose();
  }
}

/**
 * The labels a decision-based attack attacks, and its {@link DecisionOracle}: the model's own predictions on
 * `images` (one query per image), or the given `labels`, checked to be classes the model can predict (labels
 * it cannot predict would make every image "adversarial" at distance 0); probing the class count is one query.
 */
export function* attackedLabelsReads(
  fn: string,
  classifier: Classifier,
  images: tf.Tensor4D,
  given: Labels | undefined,
): TensorReads<{ labels: Int32Array; oracle: DecisionOracle }> {
  const [n, h, w, c] = images.shape;
  const queries = new Int32Array(n);
  let labels: Int32Array;
  if (given === undefined) {
    labels = yield* predictReads(fn, classifier, images);
    queries.fill(1);
  } else {
    labels = yield* labelsReads(fn, given, n);
    const { k, probed } = classCount(classifier, images);
    if (probed) queries[0] += 1;
    assertLabelsInClasses(fn, labels, k);
  }
  const oracle = createOracle(classifier, [h, w, c], labels);
  oracle.queries.set(queries);
  return { labels, oracle };
}
