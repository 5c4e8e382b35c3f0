import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import { PACKAGE, GradientsNotRegisteredError, InvalidLabelsError } from './errors';
import { assertClassifier, assertImageBatch, readLabels } from './validate';

/**
 * Gradient, with respect to the image-space input, of the summed softmax cross-entropy of `classifier`
 * at `labels`. Preprocessing is differentiated through, so the gradient lives in image space.
 *
 * @param labels - one integer class per image, in `[0, K)` for a model with `K` outputs.
 */
export function lossGradient(classifier: Classifier, images: tf.Tensor4D, labels: Int32Array): tf.Tensor4D {
  const fn = 'lossGradient';
  assertClassifier(fn, classifier);
  assertImageBatch(fn, images);
  const y = readLabels(fn, labels, images.shape[0]);
  let maxLabel = 0;
  for (const l of y) if (l > maxLabel) maxLabel = l;
  // A throw inside tf.grad leaves the tensors its tape saved for the backward pass behind, so a failure of
  // the forward pass (a model that does not fit the images, a label outside the model's classes, known only
  // once the model has run) is recorded, a zero loss returned, and the failure thrown after tf.grad.
  let failure: unknown;
  return tf.tidy(() => {
    const x = tf.cast(images, 'float32') as tf.Tensor4D;
    const labelTensor = tf.tensor1d(y, 'int32');
    const grad = tf.grad((input: tf.Tensor) => {
      let logits: tf.Tensor2D;
      try {
        logits = classifier.logits(input as tf.Tensor4D);
      } catch (err) {
        failure = err;
        return tf.sum(tf.mul(input, 0));
      }
      const k = logits.shape[1];
      if (maxLabel >= k) {
        failure = new InvalidLabelsError(
          PACKAGE,
          `${fn}: label ${maxLabel} is not a class of a model with ${k} outputs; labels must lie in [0, ${k}).`,
        );
        return tf.sum(tf.mul(input, 0));
      }
      const onehot = tf.oneHot(labelTensor, k);
      return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits))));
    });
    let g: tf.Tensor4D;
    try {
      g = grad(x) as tf.Tensor4D;
    } catch (err) {
      if (err instanceof Error && /gradient function not found/i.test(err.message)) {
        throw new GradientsNotRegisteredError(
          `lossGradient: ${err.message}. tfjs-core alone registers no gradients: import '@tensorflow/tfjs-layers' ` +
            "or '@tensorflow/tfjs' once in your program (or, with a bundler, " +
            "'@tensorflow/tfjs-core/dist/register_all_gradients') before running FGSM or PGD.",
        );
      }
      throw err;
    }
    if (failure !== undefined) throw failure;
    return g;
  });
}
