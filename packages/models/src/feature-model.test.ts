import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnknownTapError } from './errors';
import { featureModel } from './feature-model';
import { RESNET_TAPS, resnet18 } from './resnet';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe('featureModel', () => {
  it('runs 36×64 regularization images through a classifier built for 32×32', () => {
    const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 4, seed: 2 });
    const features = featureModel(model);
    expect(features.inputs[0].shape).toEqual([null, null, null, 1]);
    expect(features.outputs.length).toBe(RESNET_TAPS.length + 1);
    const big = tf.randomUniform([3, 36, 64, 1], -2.5, 2.5, 'float32', 4);
    const outs = features.predict(big) as tf.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([
      [3, 36, 64, 4],
      [3, 36, 64, 4],
      [3, 18, 32, 8],
      [3, 9, 16, 16],
      [3, 5, 8, 32],
      [3, 10],
    ]);
    // The same network still classifies 32×32 images, identically through both models.
    const small = tf.randomUniform([2, 32, 32, 1], -2.5, 2.5, 'float32', 5);
    const direct = model.predict(small) as tf.Tensor;
    const viaFeatures = features.predict(small) as tf.Tensor[];
    expect(viaFeatures[5].arraySync()).toEqual(direct.arraySync());
    tf.dispose([big, small, direct, ...outs, ...viaFeatures]);
    features.dispose();
    model.dispose();
  });

  it('shares weights with the classifier: the same layer objects, and a training step moves both', () => {
    const model = resnet18({ inputShape: [16, 16, 1], classes: 3, width: 2, seed: 3 });
    const features = featureModel(model, ['stage2']);
    expect(features.getLayer('stem_conv')).toBe(model.getLayer('stem_conv'));
    expect(features.trainableWeights.map((w) => w.name)).toEqual(model.trainableWeights.map((w) => w.name));
    const x = tf.randomNormal([4, 16, 16, 1], 0, 1, 'float32', 6);
    const before = tf.tidy(() => (features.predict(x) as tf.Tensor[])[0].arraySync());
    const optimizer = tf.train.sgd(0.5);
    // A loss on a tapped feature map trains the classifier's own variables.
    const loss = optimizer.minimize(() => {
      const [stage2] = features.apply(x, { training: true }) as tf.Tensor[];
      return tf.mean(tf.square(stage2)) as tf.Scalar;
    }, true);
    loss?.dispose();
    const after = tf.tidy(() => (features.predict(x) as tf.Tensor[])[0].arraySync());
    expect(after).not.toEqual(before);
    const logitsA = tf.tidy(() => (features.predict(x) as tf.Tensor[])[1].arraySync());
    const logitsB = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync());
    expect(logitsA).toEqual(logitsB);
    optimizer.dispose();
    x.dispose();
    features.dispose();
    model.dispose();
  });

  it('disposing the feature model leaves the classifier usable; a second feature model works too', () => {
    const model = resnet18({ inputShape: [8, 8, 1], classes: 2, width: 1 });
    const first = featureModel(model);
    first.dispose();
    const second = featureModel(model, ['stem', 'stage4']);
    const x = tf.zeros([1, 8, 8, 1]);
    const outs = second.predict(x) as tf.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([
      [1, 8, 8, 1],
      [1, 1, 1, 8],
      [1, 2],
    ]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2]);
    tf.dispose([x, y, ...outs]);
    second.dispose();
    model.dispose();
  });

  it('rejects unknown, duplicate and input-layer taps with UnknownTapError naming the valid taps', () => {
    const model = resnet18({ inputShape: [8, 8, 1], classes: 2, width: 1 });
    expect(() => featureModel(model, ['stage5'])).toThrow(UnknownTapError);
    expect(() => featureModel(model, ['stage5'])).toThrow(/'stage5' is not a layer.*stem, stage1/);
    expect(() => featureModel(model, ['stem', 'stem'])).toThrow(/listed twice/);
    expect(() => featureModel(model, ['input'])).toThrow(UnknownTapError);
    model.dispose();
  });
});
