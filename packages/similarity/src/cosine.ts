import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError, InvalidRankError, ShapeMismatchError } from './errors';
import { assertFiniteTensor, assertTensorInput, optionsOf } from './validate';

/** Options of {@link cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /** Lower bound of each norm (as in PyTorch's `cosine_similarity`), so zero maps give 0, not NaN. Default 1e-8. */
  eps?: number;
  /**
   * Check `a` and `b` for NaN/±Infinity first (one reduction and a read; throws
   * {@link NonFiniteValueError}). Default `true`; hot paths that check their inputs elsewhere (the
   * regularizer's training step) pass `false`.
   */
  checkFinite?: boolean;
}

/**
 * Cosine similarity of pairs of feature maps: for each k, `a_k · b_k / (‖a_k‖·‖b_k‖)` over the flattened
 * map (all axes after the first). This is `S^CNN_ij` of one tap when `a_k`, `b_k` are the (centred)
 * responses to images i and j. Each norm is bounded below by `eps`, which keeps the gradient finite.
 *
 * @param a - `[K, ...]` feature maps of the first images of the K pairs.
 * @param b - same shape, second images.
 * @returns `[K]` similarities.
 */
export function cosineSimilarity(
  a: tf.Tensor,
  b: tf.Tensor,
  options: CosineSimilarityOptions = {},
): tf.Tensor1D {
  const fn = 'cosineSimilarity';
  assertTensorInput(fn, 'a', a);
  assertTensorInput(fn, 'b', b);
  const opts = optionsOf(fn, options);
  if (a.rank < 1)
    throw new InvalidRankError(`${fn}: a must have a leading pair axis [K, ...], got a scalar.`);
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: a and b must have the same shape [K, ...], got [${a.shape.join(', ')}] and [${b.shape.join(', ')}].`,
    );
  }
  const eps = opts.eps ?? 1e-8;
  if (!(typeof eps === 'number' && eps > 0 && eps < 1)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: eps must be a number in (0, 1), got ${eps}.`);
  }
  if (opts.checkFinite ?? true) {
    assertFiniteTensor(fn, 'a', a);
    assertFiniteTensor(fn, 'b', b);
  }
  const k = a.shape[0];
  return tf.tidy(() => {
    const af = tf.cast(tf.reshape(a, [k, -1]), 'float32');
    const bf = tf.cast(tf.reshape(b, [k, -1]), 'float32');
    // sqrt(max(‖x‖², eps²)) rather than max(sqrt(‖x‖²), eps): same value, finite gradient at 0.
    const norm = (x: tf.Tensor) => tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1), eps * eps));
    return tf.div(tf.sum(tf.mul(af, bf), 1), tf.mul(norm(af), norm(bf))) as tf.Tensor1D;
  });
}
