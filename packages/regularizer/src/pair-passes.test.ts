import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import { SimilarityRegularizer } from './similarity-regularizer';
import { regularizationLoss, trainStep } from './train-step';

const BN_MOMENTUM = 0.9;

/** input 5×5×2 → batch norm → conv 3×3 (3, tanh) → flatten → dense 2: the batch norm sees the raw images. */
function bnModel(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: seed + s });
  const input = tfl.input({ shape: [5, 5, 2] });
  const bn = tfl.layers
    .batchNormalization({ name: 'bn', momentum: BN_MOMENTUM })
    .apply(input) as tfl.SymbolicTensor;
  const conv = tfl.layers
    .conv2d({
      filters: 3,
      kernelSize: 3,
      padding: 'same',
      activation: 'tanh',
      name: 'c1',
      kernelInitializer: init(1),
    })
    .apply(bn) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, kernelInitializer: init(2) }).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** `[n, 5, 5, 2]` normal images with channel means `m0`, `m1` (so every batch has its own mean). */
function images(n: number, m0: number, m1: number, seed: number): tf.Tensor4D {
  return tf.tidy(
    () => tf.add(tf.randomNormal([n, 5, 5, 2], 0, 1, 'float32', seed), tf.tensor1d([m0, m1])) as tf.Tensor4D,
  );
}

/** Per-channel mean over batch and space, in float64 from the tensor's values. */
function channelMeans(x: tf.Tensor4D): number[] {
  const v = x.dataSync();
  const c = x.shape[3];
  const sums = new Array(c).fill(0);
  for (let i = 0; i < v.length; i++) sums[i % c] += v[i];
  return sums.map((s) => s / (v.length / c));
}

/** `m ← β·m + (1 − β)·mean` for each batch in order, from 0 (tfjs-layers' moving-mean update). */
function movingMean(batches: tf.Tensor4D[]): number[] {
  let m = [0, 0];
  for (const x of batches) {
    const mean = channelMeans(x);
    m = m.map((v, c) => BN_MOMENTUM * v + (1 - BN_MOMENTUM) * mean[c]);
  }
  return m;
}

describe('pair passes of a regularized step', () => {
  it("'separate' (default) updates batch norm three times, in the reference order; 'joint' twice", () => {
    const inputs = images(6, 0.5, -1, 1);
    const a = images(3, 2, 0.3, 2);
    const b = images(3, -1.5, 1.2, 3);
    const labels = [0, 1, 0, 1, 1, 0];
    const targets = [1, -1, 0];
    const start = tf.memory().numTensors;
    const stepWith = (pairPasses?: 'separate' | 'joint') => {
      const model = bnModel(4);
      const reg = new SimilarityRegularizer({ model, taps: ['c1'] });
      const optimizer = tf.train.momentum(0, 0.9);
      const result = trainStep({
        model,
        optimizer,
        inputs,
        labels,
        regularizer: reg,
        pairs: { a, b, targets },
        alpha: 1,
        ...(pairPasses ? { pairPasses } : {}),
      });
      expect(Number.isFinite(result.loss)).toBe(true);
      const mean = Array.from((model.getLayer('bn').getWeights()[2] as tf.Tensor).dataSync());
      optimizer.dispose();
      reg.dispose();
      model.dispose();
      return mean;
    };
    const separate = movingMean([inputs, a, b]);
    const both = tf.concat([a, b], 0) as tf.Tensor4D;
    const joint = movingMean([inputs, both]);
    both.dispose();
    const byDefault = stepWith();
    const explicit = stepWith('separate');
    const jointStep = stepWith('joint');
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(byDefault[c] - separate[c])).toBeLessThan(1e-5);
      expect(Math.abs(explicit[c] - separate[c])).toBeLessThan(1e-5);
      expect(Math.abs(jointStep[c] - joint[c])).toBeLessThan(1e-5);
    }
    // The two protocols differ measurably on these batches.
    expect(Math.abs(separate[0] - joint[0])).toBeGreaterThan(1e-2);
    tf.dispose([inputs, a, b]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('centring running means are updated once per step, from both halves together', () => {
    const model = bnModel(5);
    const reg = new SimilarityRegularizer({ model, taps: ['c1'] });
    const a = images(2, 1, 0, 6);
    const b = images(2, -1, 0.5, 7);
    const loss = regularizationLoss(reg, { a, b, targets: [0.2, -0.4] });
    loss.dispose();
    // Expected: 0.1 × the channel mean of c1's training-mode maps over the 2k images, with batch norm
    // normalising a and b separately.
    const expected = tf.tidy(() => {
      const feature = tfl.model({
        inputs: model.inputs,
        outputs: model.getLayer('c1').output as tfl.SymbolicTensor,
      });
      const maps = tf.concat([
        feature.apply(a, { training: true }) as tf.Tensor,
        feature.apply(b, { training: true }) as tf.Tensor,
      ]);
      return tf.mul(tf.mean(maps, [0, 1, 2]), 0.1).dataSync();
    });
    const [running] = reg.runningMeanValues();
    const got = running.dataSync();
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - expected[c])).toBeLessThan(1e-6);
    tf.dispose([running, a, b]);
    reg.dispose();
    model.dispose();
  });

  it('three-pass L_sim through batch norm matches finite differences, and differs from the joint pass', () => {
    const model = bnModel(8);
    const reg = new SimilarityRegularizer({ model, taps: ['bn', 'c1'] });
    const a = images(3, 0.4, -0.2, 9);
    const b = images(3, -0.3, 0.6, 10);
    const targets = [0.5, -0.3, 0.1];
    const kernel = model.getLayer('c1').trainableWeights[0].read() as tf.Variable;
    const gamma = model.getLayer('bn').trainableWeights[0].read() as tf.Variable;
    const loss = (pairPasses: 'separate' | 'joint' = 'separate') =>
      regularizationLoss(reg, { a, b, targets }, { updateRunningMeans: false, pairPasses });
    const joint = tf.tidy(() => loss('joint').dataSync()[0]);
    const separate = tf.tidy(() => loss().dataSync()[0]);
    expect(Math.abs(joint - separate)).toBeGreaterThan(1e-3);
    const { grads, value } = tf.variableGrads(() => loss(), [kernel, gamma]);
    value.dispose();
    const h = 1e-2;
    const numeric = (v: tf.Variable, index: number) => {
      const original = v.dataSync().slice();
      const at = (delta: number) => {
        const changed = original.slice();
        changed[index] += delta;
        tf.tidy(() => v.assign(tf.tensor(changed, v.shape)));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
      return fd;
    };
    for (const [v, indices] of [
      [kernel, [0, 5, 11, 29, 40]],
      [gamma, [0, 1]],
    ] as const) {
      const g = grads[v.name].dataSync();
      expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-4);
      for (const index of indices) {
        const fd = numeric(v, index);
        expect(Math.abs(fd - g[index])).toBeLessThan(2e-3 + 2e-2 * Math.abs(g[index]));
      }
    }
    tf.dispose([a, b, ...Object.values(grads)]);
    reg.dispose();
    model.dispose();
  });

  it('an unknown pairPasses is a typed error before any tensor is made', () => {
    const model = bnModel(2);
    const reg = new SimilarityRegularizer({ model, taps: ['c1'] });
    const optimizer = tf.train.momentum(0.1, 0.9);
    const inputs = images(2, 0, 0, 1);
    const a = images(1, 0, 0, 2);
    const b = images(1, 0, 0, 3);
    const start = tf.memory().numTensors;
    const bad = 'triple' as unknown as 'joint';
    expect(() =>
      trainStep({
        model,
        optimizer,
        inputs,
        labels: [0, 1],
        regularizer: reg,
        pairs: { a, b, targets: [0] },
        alpha: 1,
        pairPasses: bad,
      }),
    ).toThrow(InvalidOptionError);
    expect(() => regularizationLoss(reg, { a, b, targets: [0] }, { pairPasses: bad })).toThrow(
      /pairPasses must be 'separate'/,
    );
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([inputs, a, b]);
    optimizer.dispose();
    reg.dispose();
    model.dispose();
  });
});
