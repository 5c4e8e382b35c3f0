import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';

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
}

/** Builds a {@link DecisionOracle} for images of shape `[H, W, C]` attacked at `labels`. */
export function createOracle(
  classifier: Classifier,
  imageShape: readonly [number, number, number],
  labels: Int32Array,
): DecisionOracle {
  const queries = new Int32Array(labels.length);
  return {
    queries,
    isAdversarial(rows: Int32Array, x: tf.Tensor2D): Uint8Array {
      const pred = tf.tidy(() =>
        tf.argMax(classifier.logits(tf.reshape(x, [rows.length, ...imageShape]) as tf.Tensor4D), 1),
      );
      const p = pred.dataSync();
      pred.dispose();
      const out = new Uint8Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        queries[rows[i]]++;
        out[i] = p[i] !== labels[rows[i]] ? 1 : 0;
      }
      return out;
    },
  };
}
