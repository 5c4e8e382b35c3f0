import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { NonFiniteStepError, RegularizerError } from './errors';
import { SimilarityRegularizer } from './similarity-regularizer';
import { type TrainStepOptions, trainStep } from './train-step';

/** conv → batch norm → conv → pool → dense: batch-norm moving statistics and two taps. */
function bnModel(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: s });
  const input = tfl.input({ shape: [6, 6, 1] });
  const c1 = tfl.layers.conv2d({
    filters: 2,
    kernelSize: 3,
    padding: 'same',
    name: 'c1',
    kernelInitializer: init(1),
  });
  const bn = tfl.layers.batchNormalization({ name: 'bn' });
  const c2 = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'c2', kernelInitializer: init(2) });
  let x = bn.apply(c1.apply(input)) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(c2.apply(x)) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Every value a step may write: weights (BN statistics included), optimizer slots, regularizer state. */
async function everything(model: tfl.LayersModel, optimizer: tf.Optimizer, reg: SimilarityRegularizer) {
  const slots = await optimizer.getWeights();
  const state = reg.getState();
  const values = [
    ...model.weights.map((w) => Array.from(w.read().dataSync())),
    ...slots.map((s) => Array.from(s.tensor.dataSync())),
    ...Object.values(state).map((t) => Array.from(t.dataSync())),
  ];
  tf.dispose([
    ...Object.values(state),
    ...slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor),
  ]);
  return values;
}

function withNaN(t: tf.Tensor, at: number): tf.Tensor4D {
  const v = t.dataSync().slice();
  v[at] = Number.NaN;
  return tf.tensor4d(v, t.shape as [number, number, number, number]);
}

describe('a non-finite value in a training step', () => {
  const setup = () => {
    const model = bnModel();
    const reg = new SimilarityRegularizer({ model, taps: ['bn', 'c2'] });
    const optimizer = tf.train.momentum(0.1, 0.9);
    const inputs = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const a = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const b = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const base: TrainStepOptions = {
      model,
      optimizer,
      inputs,
      labels: [0, 1, 2, 0],
      regularizer: reg,
      pairs: { a, b, targets: [1, -1] },
      alpha: 1,
    };
    // One clean step first, so that the momentum slots and running means hold non-trivial values.
    trainStep(base);
    const dispose = () => {
      tf.dispose([inputs, a, b]);
      reg.dispose();
      optimizer.dispose();
      model.dispose();
    };
    return { model, reg, optimizer, base, dispose };
  };

  const cases: Array<[string, (o: TrainStepOptions) => TrainStepOptions, string]> = [
    ['a NaN pixel in the classification batch', (o) => ({ ...o, inputs: withNaN(o.inputs, 17) }), 'inputs'],
    [
      'a NaN pixel in image i of a pair',
      (o) => ({ ...o, pairs: { ...o.pairs!, a: withNaN(o.pairs!.a, 5) } }),
      'pairs.a',
    ],
    [
      'a NaN pixel in image j of a pair',
      (o) => ({ ...o, pairs: { ...o.pairs!, b: withNaN(o.pairs!.b, 40) } }),
      'pairs.b',
    ],
    [
      'a loss that becomes NaN after the forward pass wrote batch-norm statistics and running means',
      (o) => ({ ...o, taskLoss: (_l, out) => tf.mul(tf.sum(out), Number.NaN) as tf.Scalar }),
      'loss',
    ],
    [
      'gradients that become NaN while the loss stays finite',
      (o) => ({
        ...o,
        taskLoss: (_l, out) => tf.sum(tf.sqrt(tf.sub(tf.abs(out), tf.abs(out)))) as tf.Scalar,
      }),
      'gradients',
    ],
  ];

  for (const [what, poison, source] of cases) {
    it(`(${what}) throws NonFiniteStepError and leaves every weight, slot and running mean unchanged`, async () => {
      const { model, reg, optimizer, base, dispose } = setup();
      const before = await everything(model, optimizer, reg);
      const options = poison(base);
      const tensorsBefore = tf.memory().numTensors;
      let error: unknown;
      try {
        trainStep({ ...options, batch: 'epoch 1, step 2' });
      } catch (e) {
        error = e;
      }
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(RegularizerError.is(error)).toBe(true);
      expect(error).toBeInstanceOf(NonFiniteStepError);
      expect((error as NonFiniteStepError).source).toBe(source);
      expect((error as Error).message).toContain('epoch 1, step 2');
      expect(await everything(model, optimizer, reg)).toEqual(before);
      // The model still trains after the refused step.
      expect(Number.isFinite(trainStep(base).loss)).toBe(true);
      if (options.inputs !== base.inputs) options.inputs.dispose();
      if (options.pairs!.a !== base.pairs!.a) options.pairs!.a.dispose();
      if (options.pairs!.b !== base.pairs!.b) options.pairs!.b.dispose();
      dispose();
    });
  }
});
