import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import { GradientsNotRegisteredError, InvalidLabelsError } from './errors';

/**
 * Gradient, with respect to the image-space input, of the summed softmax cross-entropy of `classifier`
 * at `labels`. Preprocessing is differentiated through, so the gradient lives in image space.
 *
 * @param labels - one integer class per image (already validated for count).
 */
export function lossGradient(classifier: Classifier, images: tf.Tensor4D, labels: Int32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.cast(images, 'float32') as tf.Tensor4D;
    const labelTensor = tf.tensor1d(labels, 'int32');
    const grad = tf.grad((input: tf.Tensor) => {
      const logits = classifier.logits(input as tf.Tensor4D);
      const k = logits.shape[1];
      let maxLabel = 0;
      for (const l of labels) if (l > maxLabel) maxLabel = l;
      if (maxLabel >= k) {
        throw new InvalidLabelsError(
          `lossGradient: label ${maxLabel} is not a class of a model with ${k} outputs; labels must lie in [0, ${k}).`,
        );
      }
      const onehot = tf.oneHot(labelTensor, k);
      return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits))));
    });
    try {
      return grad(x) as tf.Tensor4D;
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
  });
}
