import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, ShapeMismatchError } from './errors';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import {
  assertFiniteTensor,
  assertNumbers,
  assertRank,
  assertTensorInput,
  assertThreshold,
  finiteTensorReads,
} from './validate';

/**
 * Thresholded similarity targets `S^Th` (eq. 3 of the paper): start from the identity; off-diagonal
 * entries with `S > Th` become +1, entries with `S < −Th` become −1, everything else 0:
 *
 * $$S^\text{Th}_{ij} = \begin{cases} 1 & i = j \text{ or } S_{ij} > \mathrm{Th} \\ -1 & S_{ij} < -\mathrm{Th} \\ 0 & \text{otherwise.} \end{cases}$$
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { thresholdTargets } from '@pixsim/similarity';
 *
 * const s = tf.tensor2d([[1, 0.5, -0.3], [0.5, 1, 0.1], [-0.3, 0.1, 1]]);
 * thresholdTargets(s, 0.2).print(); // [[1, 1, -1], [1, 1, 0], [-1, 0, 1]]
 * ```
 * @param s - `[N, N]` similarity matrix (e.g. from `pixelSimilarity`).
 * @param th - the threshold `Th`, in (0, 1).
 * @returns `[N, N]` float32 matrix of −1 / 0 / +1 with a diagonal of 1.
 */
export function thresholdTargets(s: tf.Tensor2D, th: number): tf.Tensor2D {
  return runReadsSync(thresholdTargetsReads(s, th));
}

/** {@link thresholdTargets} as a {@link TensorReads} computation (its finiteness check reads with the driver). */
export function* thresholdTargetsReads(s: tf.Tensor2D, th: number): TensorReads<tf.Tensor2D> {
  const fn = 'thresholdTargets';
  assertTensorInput(fn, 'S', s);
  assertRank(fn, 'S', s, 2, '[N, N]');
  if (s.shape[0] !== s.shape[1]) {
    throw new ShapeMismatchError(PACKAGE, `${fn}: S must be square [N, N], got [${s.shape.join(', ')}].`);
  }
  assertThreshold(fn, 'th', th);
  yield* finiteTensorReads(fn, 'S', s);
  const n = s.shape[0];
  return tf.tidy(() => {
    const sf = tf.cast(s, 'float32');
    const plus = tf.cast(tf.greater(sf, th), 'float32');
    const minus = tf.cast(tf.less(sf, -th), 'float32');
    const offDiagonal = tf.sub(plus, minus);
    const eye = tf.eye(n);
    return tf.add(tf.mul(offDiagonal, tf.sub(1, eye)), eye) as tf.Tensor2D;
  });
}

/**
 * Categorical targets: `S_ij = 1` if items i and j share a label, else 0 (diagonal 1).
 *
 * @param labels - `[N]` integer class labels (tensor, typed array or array).
 * @returns `[N, N]` float32 matrix.
 */
export function categoricalTargets(labels: tf.Tensor1D | ArrayLike<number>): tf.Tensor2D {
  const fn = 'categoricalTargets';
  if (labels instanceof tf.Tensor) {
    assertTensorInput(fn, 'labels', labels);
    assertRank(fn, 'labels', labels, 1, '[N]');
  } else {
    assertNumbers(fn, 'labels', labels);
    if (labels.length === 0)
      throw new ShapeMismatchError(PACKAGE, `${fn}: labels are empty; pass one label per item.`);
  }
  return tf.tidy(() => {
    const l = labels instanceof tf.Tensor ? labels : tf.tensor1d(Array.from(labels));
    assertFiniteTensor(fn, 'labels', l);
    const n = l.shape[0];
    return tf.cast(tf.equal(tf.reshape(l, [n, 1]), tf.reshape(l, [1, n])), 'float32') as tf.Tensor2D;
  });
}
