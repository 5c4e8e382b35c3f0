import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The regularizer's taps in the test ResNet (`resnet18` in `./resnet`). */
export const TAPS = ['stem', 'stage1', 'stage2', 'stage3'];

/**
 * The state of a regularized training run: a model that outputs the taps and the logits, the tap
 * weights `w` (softmax, trained) and the per-channel running means of the centring.
 */
export interface RegularizedNet {
  net: tfl.LayersModel;
  tapLogits: tf.Variable;
  runningMeans: tf.Variable[];
}

/** Wraps `model` (with layers named as in {@link TAPS}) into a {@link RegularizedNet}. */
export function regularizedNet(model: tfl.LayersModel, taps: string[] = TAPS): RegularizedNet {
  const outputs = [
    ...taps.map((name) => model.getLayer(name).output as tfl.SymbolicTensor),
    model.outputs[0],
  ];
  const net = tfl.model({ inputs: model.inputs, outputs });
  const channels = taps.map((name) => (model.getLayer(name).outputShape as number[])[3]);
  const zeros = (n: number, trainable: boolean) => {
    const initial = tf.zeros([n]);
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    return variable;
  };
  return {
    net,
    tapLogits: zeros(taps.length, true),
    runningMeans: channels.map((c) => zeros(c, false)),
  };
}

/**
 * `L_sim` of k pairs, as `@pixsim/regularizer` computes it (restated here: this package cannot depend on
 * it): the two halves go through the network in two training-mode passes, every tap is centred by its
 * running mean (updated first from both halves, `m ← 0.9·m + 0.1·mean`, no gradient), split back into
 * the halves, compared by cosine; the softmax-weighted sum of the tap cosines `s` enters
 * `(log(1+s+ε) − log(1−s+ε) − z)²` with `z` the same transform of the target, averaged over the pairs.
 */
export function similarityLoss(
  r: RegularizedNet,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  targets: tf.Tensor1D,
): tf.Scalar {
  const taps = r.runningMeans.length;
  const first = r.net.apply(a, { training: true }) as tf.Tensor[];
  const second = r.net.apply(b, { training: true }) as tf.Tensor[];
  const sims: tf.Tensor[] = [];
  for (let t = 0; t < taps; t++) {
    const both = tf.concat([first[t], second[t]], 0);
    const mean = tf.mean(both, [0, 1, 2]); // feeds only the (untrained) running mean: no gradient
    r.runningMeans[t].assign(tf.add(tf.mul(r.runningMeans[t], 0.9), tf.mul(mean, 0.1)));
    const [x, y] = tf.split(tf.sub(both, r.runningMeans[t]), 2, 0);
    const k = x.shape[0];
    const xf = tf.reshape(x, [k, -1]);
    const yf = tf.reshape(y, [k, -1]);
    const norm = (v: tf.Tensor) => tf.sqrt(tf.maximum(tf.sum(tf.square(v), 1), 1e-12));
    sims.push(tf.div(tf.sum(tf.mul(xf, yf), 1), tf.mul(norm(xf), norm(yf))));
  }
  const weights = tf.expandDims(tf.softmax(r.tapLogits), 1);
  const s = tf.clipByValue(tf.sum(tf.mul(weights, tf.stack(sims)), 0), -1, 1);
  const atanh2 = (v: tf.Tensor) =>
    tf.sub(tf.log(tf.add(tf.add(v, 1), 1e-5)), tf.log(tf.add(tf.sub(1, v), 1e-5)));
  return tf.mean(tf.square(tf.sub(atanh2(s), atanh2(targets)))) as tf.Scalar;
}
