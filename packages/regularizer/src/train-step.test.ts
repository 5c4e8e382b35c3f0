import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { SimilarityRegularizer } from './similarity-regularizer';
import { regularizationLoss, trainStep } from './train-step';

/** conv 3x3 (2, tanh) → conv 3x3 stride 2 (3, tanh) → flatten → dense 2. Smooth, for finite differences. */
function smoothModel(seed: number, withBatchNorm = false): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: seed + s });
  const input = tfl.input({ shape: [6, 6, 1] });
  let x = tfl.layers
    .conv2d({
      filters: 2,
      kernelSize: 3,
      padding: 'same',
      activation: 'tanh',
      name: 'c1',
      kernelInitializer: init(1),
    })
    .apply(input) as tfl.SymbolicTensor;
  if (withBatchNorm) x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  const c2 = tfl.layers
    .conv2d({
      filters: 3,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      name: 'c2',
      kernelInitializer: init(2),
    })
    .apply(x) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(c2) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, kernelInitializer: init(3) }).apply(f) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

function pairBatch(k: number, seed: number) {
  return {
    a: tf.randomNormal([k, 6, 6, 1], 0, 1, 'float32', seed) as tf.Tensor4D,
    b: tf.randomNormal([k, 6, 6, 1], 0, 1, 'float32', seed + 1) as tf.Tensor4D,
  };
}

function setRunningMeans(reg: SimilarityRegularizer, values: number[][], w: number[]): void {
  const state = reg.getState();
  const next: tf.NamedTensorMap = {};
  reg.taps.forEach((tap, t) => {
    next[`similarity_regularizer/running_mean/${tap}`] = tf.tensor1d(values[t]);
  });
  next['similarity_regularizer/tap_logits'] = tf.tensor1d(w);
  reg.setState(next);
  tf.dispose([...Object.values(state), ...Object.values(next)]);
}

describe('gradients of L_sim', () => {
  it('reach the conv weights and w, and match finite differences', () => {
    const model = smoothModel(7);
    const reg = new SimilarityRegularizer({ model, taps: ['c1', 'c2'] });
    setRunningMeans(
      reg,
      [
        [0.05, -0.1],
        [0.02, 0.0, -0.03],
      ],
      [0.2, -0.1],
    );
    const { a, b } = pairBatch(3, 11);
    const targets = [0.3, -0.2, 0];
    const kernel = model.getLayer('c1').trainableWeights[0].read() as tf.Variable;
    const w = reg.tapLogits!;
    const loss = () => regularizationLoss(reg, { a, b, targets }, { updateRunningMeans: false });
    const { grads, value } = tf.variableGrads(loss, [kernel, w]);
    value.dispose();
    const gKernel = grads[kernel.name].dataSync();
    const gW = grads[w.name].dataSync();
    expect(Math.max(...Array.from(gKernel, Math.abs))).toBeGreaterThan(1e-4);
    expect(Math.max(...Array.from(gW, Math.abs))).toBeGreaterThan(1e-4);
    // The softmax weights sum to 1, so the gradient of w sums to 0.
    expect(Math.abs(gW[0] + gW[1])).toBeLessThan(1e-6);

    const h = 1e-2;
    const numeric = (v: tf.Variable, index: number) => {
      const original = v.dataSync().slice();
      const evalAt = (delta: number) => {
        const changed = original.slice();
        changed[index] += delta;
        tf.tidy(() => v.assign(tf.tensor(changed, v.shape)));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const plus = evalAt(h);
      const minus = evalAt(-h);
      tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
      return (plus - minus) / (2 * h);
    };
    for (const index of [0, 3, 7, 12, 17]) {
      const fd = numeric(kernel, index);
      expect(Math.abs(fd - gKernel[index])).toBeLessThan(2e-3 + 2e-2 * Math.abs(gKernel[index]));
    }
    for (const index of [0, 1]) {
      const fd = numeric(w, index);
      expect(Math.abs(fd - gW[index])).toBeLessThan(2e-3 + 2e-2 * Math.abs(gW[index]));
    }
    tf.dispose([a, b, ...Object.values(grads)]);
    reg.dispose();
  });

  it('carry no gradient through the running-mean update', () => {
    const model = smoothModel(3);
    const reg = new SimilarityRegularizer({ model, taps: ['c1', 'c2'] });
    setRunningMeans(
      reg,
      [
        [0.1, 0.2],
        [0.3, -0.1, 0.05],
      ],
      [0, 0],
    );
    const { a, b } = pairBatch(4, 5);
    const targets = [0.5, -0.5, 0.1, 0];
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const withUpdate = tf.variableGrads(() => reg.lossOf(a, b, targets, { updateRunningMeans: true }), vars);
    // Now the stored means are the updated ones: the same loss without update must have the same gradient.
    const fixed = tf.variableGrads(() => reg.lossOf(a, b, targets, { updateRunningMeans: false }), vars);
    expect(withUpdate.value.dataSync()[0]).toBeCloseTo(fixed.value.dataSync()[0], 6);
    // The dense head is not tapped, so only the conv weights get gradients.
    expect(Object.keys(withUpdate.grads).sort()).toEqual(Object.keys(fixed.grads).sort());
    expect(Object.keys(fixed.grads).length).toBe(4);
    for (const name of Object.keys(fixed.grads)) {
      const g1 = withUpdate.grads[name].dataSync();
      const g2 = fixed.grads[name].dataSync();
      g1.forEach((g, i) => {
        expect(Math.abs(g - g2[i])).toBeLessThan(1e-6);
      });
    }
    tf.dispose([
      a,
      b,
      withUpdate.value,
      fixed.value,
      ...Object.values(withUpdate.grads),
      ...Object.values(fixed.grads),
    ]);
    reg.dispose();
  });
});

describe('trainStep', () => {
  it('updates the network and w with one optimiser step on L_task + α·L_sim', () => {
    const model = smoothModel(1);
    const reg = new SimilarityRegularizer({ model, taps: ['c1', 'c2'] });
    const optimizer = tf.train.momentum(0.1, 0.9);
    const inputs = tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 3);
    const labels = [0, 1, 0, 1, 1, 0, 0, 1];
    const { a, b } = pairBatch(4, 9);
    const kernelBefore = (model.getLayer('c1').getWeights()[0] as tf.Tensor).dataSync().slice();
    const result = trainStep({
      model,
      optimizer,
      inputs,
      labels,
      regularizer: reg,
      pairs: { a, b, targets: [1, -1, 0, 1] },
      alpha: 2,
    });
    expect(result.simLoss).not.toBeNull();
    expect(result.loss).toBeCloseTo(result.taskLoss + 2 * result.simLoss!, 4);
    expect(result.correct).toBeGreaterThanOrEqual(0);
    expect(Array.from(reg.tapLogits!.dataSync()).some((v) => v !== 0)).toBe(true);
    const kernelAfter = (model.getLayer('c1').getWeights()[0] as tf.Tensor).dataSync();
    expect(Array.from(kernelAfter).some((v, i) => v !== kernelBefore[i])).toBe(true);
    // α = 0: plain step, w untouched.
    const wBefore = reg.tapLogits!.dataSync().slice();
    const plain = trainStep({
      model,
      optimizer,
      inputs,
      labels,
      regularizer: reg,
      pairs: { a, b, targets: [1, -1, 0, 1] },
      alpha: 0,
    });
    expect(plain.simLoss).toBeNull();
    expect(Array.from(reg.tapLogits!.dataSync())).toEqual(Array.from(wBefore));
    expect(() => trainStep({ model, optimizer, inputs, labels: [0, 1], alpha: 0 })).toThrow(
      /8 inputs but 2 labels/,
    );
    expect(() => trainStep({ model, optimizer, inputs, labels, alpha: -1 })).toThrow(/alpha/);
    tf.dispose([inputs, a, b]);
    optimizer.dispose();
    reg.dispose();
  });

  it('leaks no tensor over 200 regularized steps (batch norm, momentum)', () => {
    const model = smoothModel(2, true);
    const reg = new SimilarityRegularizer({ model, taps: ['c1', 'bn', 'c2'] });
    const optimizer = tf.train.momentum(0.01, 0.9);
    const inputs = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 4);
    const labels = tf.tensor1d([0, 1, 1, 0], 'int32');
    const { a, b } = pairBatch(2, 21);
    const targets = tf.tensor1d([1, 0]);
    // The first step creates the optimiser's momentum slots; count from after it.
    trainStep({ model, optimizer, inputs, labels, regularizer: reg, pairs: { a, b, targets }, alpha: 1 });
    const start = tf.memory().numTensors;
    for (let s = 0; s < 200; s++) {
      trainStep({ model, optimizer, inputs, labels, regularizer: reg, pairs: { a, b, targets }, alpha: 1 });
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([inputs, labels, a, b, targets]);
    optimizer.dispose();
    reg.dispose();
  });
});
