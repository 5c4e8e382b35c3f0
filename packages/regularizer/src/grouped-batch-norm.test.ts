import '@pixsim/backend/wasm-training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimilarityRegularizer } from './similarity-regularizer';
import { regularizationLoss } from './train-step';

/** conv → batch norm → ReLU → conv → batch norm → flatten → dense: batch norm on conv features, twice. */
function convBnModel(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: s });
  const input = tfl.input({ shape: [6, 6, 3] });
  let x = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1), name: 'c1' })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({
      filters: 5,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: init(2),
      name: 'c2',
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn2' }).apply(x) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, kernelInitializer: init(3) }).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Loss, every gradient, batch-norm weights and centring running means after one `L_sim` evaluation. */
function lossAndState(grouped: boolean, a: tf.Tensor4D, b: tf.Tensor4D, targets: number[]) {
  const model = convBnModel();
  const reg = new SimilarityRegularizer({ model, taps: ['bn1', 'bn2'], groupedBatchNorm: grouped });
  const vars = [...model.trainableWeights.map((w) => w.read() as tf.Variable), reg.tapLogits!];
  const { value, grads } = tf.variableGrads(() => regularizationLoss(reg, { a, b, targets }), vars);
  const state = {
    loss: value.dataSync()[0],
    grads: vars.filter((v) => grads[v.name]).map((v) => Array.from(grads[v.name].dataSync())),
    bn: ['bn1', 'bn2'].flatMap((name) =>
      model
        .getLayer(name)
        .getWeights()
        .map((w) => Array.from((w as tf.Tensor).dataSync())),
    ),
  };
  tf.dispose([value, ...Object.values(grads)]);
  reg.dispose();
  model.dispose();
  return state;
}

describe('grouped batch norm on the wasm engine with the training kernels', () => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('one grouped pass equals two real passes through batch norm on conv features (loss, gradients, statistics)', () => {
    const a = tf.randomNormal([4, 6, 6, 3], 0.5, 1, 'float32', 41) as tf.Tensor4D;
    const b = tf.randomNormal([4, 6, 6, 3], -0.8, 2, 'float32', 42) as tf.Tensor4D;
    const targets = [0.6, -0.2, 1, 0];
    const start = tf.memory().numTensors;
    const grouped = lossAndState(true, a, b, targets);
    const passes = lossAndState(false, a, b, targets);
    expect(tf.memory().numTensors).toBe(start);
    // float32 sums in a different order: agreement to 1e-4 relative.
    const close = (x: number[], y: number[]) => {
      expect(x.length).toBe(y.length);
      for (let i = 0; i < x.length; i++) {
        expect(Number.isFinite(x[i])).toBe(true);
        expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(y[i])));
      }
    };
    close([grouped.loss], [passes.loss]);
    expect(grouped.grads.length).toBe(passes.grads.length);
    expect(grouped.grads.length).toBeGreaterThanOrEqual(9);
    for (const [i, g] of grouped.grads.entries()) close(g, passes.grads[i]);
    for (const [i, w] of grouped.bn.entries()) close(w, passes.bn[i]);
    tf.dispose([a, b]);
  });
});
