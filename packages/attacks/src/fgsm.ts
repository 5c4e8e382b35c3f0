import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import { lossGradient } from './gradient';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import {
  assertClassifier,
  assertEpsilon,
  assertOptions,
  imagesReads,
  type Labels,
  labelsReads,
} from './validate';

/** Options of {@link fgsm}. */
export interface FgsmOptions {
  /**
   * Surrogate classifier whose input gradient is used instead of the target's (transferred, black-box
   * FGSM; the paper uses an unregularized model of the same architecture). The result is applied to, and
   * clipped to the bounds of, the target `classifier`.
   */
  surrogate?: Classifier;
}

/**
 * Fast Gradient Sign Method (L∞, untargeted): `x' = clip(x + ε·sign(∇_x L(x, y)), bounds)`, where `L`
 * is the softmax cross-entropy of `classifier` (or of `options.surrogate`, for transferred FGSM) at the
 * true labels `y`. `ε = 0` returns the clean images.
 *
 * @param images - `[N, H, W, C]` images inside the classifier's bounds.
 * @param labels - true class of each image.
 * @param epsilon - L∞ budget ε in image units (e.g. `8/255` on `[0, 1]` images).
 */
export function fgsm(
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: Labels,
  epsilon: number,
  options: FgsmOptions = {},
): tf.Tensor4D {
  return runReadsSync(fgsmReads(classifier, images, labels, epsilon, options));
}

/** {@link fgsm} as a {@link TensorReads} computation (its input checks read with the driver). */
export function* fgsmReads(
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: Labels,
  epsilon: number,
  options: FgsmOptions = {},
): TensorReads<tf.Tensor4D> {
  const fn = 'fgsm';
  assertClassifier(fn, classifier);
  assertOptions(fn, options);
  if (options.surrogate !== undefined) assertClassifier(fn, options.surrogate, 'options.surrogate');
  assertEpsilon(fn, epsilon);
  yield* imagesReads(fn, images, classifier.bounds);
  const y = yield* labelsReads(fn, labels, images.shape[0], classifier.numClasses);
  const source = options.surrogate ?? classifier;
  const [lo, hi] = classifier.bounds;
  return tf.tidy(() => {
    const x = tf.cast(images, 'float32') as tf.Tensor4D;
    if (epsilon === 0) return x.clone();
    const g = lossGradient(source, x, y);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(g), epsilon)), lo, hi) as tf.Tensor4D;
  });
}
