import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import { groupableBatchNorms } from './grouped-batch-norm';
import { SimilarityRegularizer } from './similarity-regularizer';
import { regularizationLoss, trainStep } from './train-step';
import { disposeOptimizer } from './trainer-state';

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
    const stepWith = (pairPasses?: 'separate' | 'joint', groupedBatchNorm = true) => {
      const model = bnModel(4);
      const reg = new SimilarityRegularizer({ model, taps: ['c1'], groupedBatchNorm });
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
      disposeOptimizer(optimizer);
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
    const twoPasses = stepWith('separate', false);
    const jointStep = stepWith('joint');
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(byDefault[c] - separate[c])).toBeLessThan(1e-5);
      expect(Math.abs(explicit[c] - separate[c])).toBeLessThan(1e-5);
      expect(Math.abs(twoPasses[c] - separate[c])).toBeLessThan(1e-5);
      expect(Math.abs(jointStep[c] - joint[c])).toBeLessThan(1e-5);
    }
    // The two protocols differ measurably on these batches.
    expect(Math.abs(separate[0] - joint[0])).toBeGreaterThan(1e-2);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([inputs, a, b]);
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
    disposeOptimizer(optimizer);
    reg.dispose();
    model.dispose();
  });

  it('the one-pass grouped batch norm equals two real passes: loss, gradients, moving and running statistics', () => {
    const a = images(3, 0.7, -0.4, 31);
    const b = images(3, -1.1, 0.9, 32);
    const targets = [0.6, -0.2, 1];
    const start = tf.memory().numTensors;
    const run = (groupedBatchNorm: boolean) => {
      const model = bnModel(12);
      const reg = new SimilarityRegularizer({ model, taps: ['bn', 'c1'], groupedBatchNorm });
      const vars = [...model.trainableWeights.map((w) => w.read() as tf.Variable), reg.tapLogits!];
      const { value, grads } = tf.variableGrads(() => regularizationLoss(reg, { a, b, targets }), vars);
      const out = {
        loss: value.dataSync()[0],
        grads: vars.filter((v) => grads[v.name]).map((v) => Array.from(grads[v.name].dataSync())),
        bn: model
          .getLayer('bn')
          .getWeights()
          .map((w) => Array.from((w as tf.Tensor).dataSync())),
        running: reg.runningMeanValues().map((m) => {
          const v = Array.from(m.dataSync());
          m.dispose();
          return v;
        }),
      };
      tf.dispose([value, ...Object.values(grads)]);
      reg.dispose();
      model.dispose();
      return out;
    };
    const grouped = run(true);
    const passes = run(false);
    const close = (x: number[], y: number[]) => {
      for (let i = 0; i < x.length; i++) {
        expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(y[i])));
      }
    };
    expect(Math.abs(grouped.loss - passes.loss)).toBeLessThan(1e-5 * Math.max(1, passes.loss));
    for (const [i, g] of grouped.grads.entries()) close(g, passes.grads[i]);
    // gamma, beta, moving mean, moving variance
    for (const [i, w] of grouped.bn.entries()) close(w, passes.bn[i]);
    for (const [i, m] of grouped.running.entries()) close(m, passes.running[i]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([a, b]);
  });

  it('models with layers that could mix the batch make two real passes', () => {
    class BatchMean extends tfl.layers.Layer {
      static className = 'BatchMean';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tf.tidy(() => tf.sub(x, tf.mean(x, 0, true)));
      }
    }
    const input = tfl.input({ shape: [4, 4, 1] });
    const mixed = new BatchMean({ name: 'mix' }).apply(input) as tfl.SymbolicTensor;
    const conv = tfl.layers
      .conv2d({ filters: 2, kernelSize: 3, name: 'c', kernelInitializer: 'ones' })
      .apply(mixed);
    const model = tfl.model({ inputs: input, outputs: conv as tfl.SymbolicTensor });
    expect(groupableBatchNorms(model)).toBeNull();
    const channelsFirst = tfl.sequential({
      layers: [tfl.layers.batchNormalization({ inputShape: [3, 4, 4], axis: 1, name: 'bn1' })],
    });
    expect(groupableBatchNorms(channelsFirst)).toBeNull();
    expect(groupableBatchNorms(bnModel(1))?.length).toBe(1);
    // With the batch-mixing layer the two halves must still be separate passes: each half centred alone.
    const reg = new SimilarityRegularizer({ model, taps: ['c'] });
    const a = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 41) as tf.Tensor4D;
    const b = tf.randomNormal([2, 4, 4, 1], 3, 1, 'float32', 42) as tf.Tensor4D;
    const separate = tf.tidy(() => reg.pairSimilarities(a, b, { updateRunningMeans: false }).arraySync());
    const joint = tf.tidy(() =>
      reg.pairSimilarities(a, b, { updateRunningMeans: false, pairPasses: 'joint' }).arraySync(),
    );
    expect(Math.max(...separate.map((v, i) => Math.abs(v - joint[i])))).toBeGreaterThan(1e-3);
    tf.dispose([a, b]);
    reg.dispose();
    model.dispose();
  });
});
