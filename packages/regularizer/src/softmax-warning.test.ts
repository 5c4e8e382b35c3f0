import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endsInSoftmax, warnIfSoftmaxLogits } from './softmax-warning';
import { trainStep } from './train-step';
import { disposeOptimizer } from './trainer-state';

const dense = (activation?: 'softmax' | 'relu') =>
  tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [4, 4, 1] }),
      tfl.layers.dense({
        units: 3,
        activation,
        kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }),
      }),
    ],
  });

describe('softmax output with a logits task loss', () => {
  afterEach(() => vi.restoreAllMocks());

  it('recognises a softmax activation or Softmax layer at the output, not elsewhere', () => {
    const functional = (() => {
      const input = tfl.input({ shape: [4, 4, 1] });
      const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
      const logits = tfl.layers.dense({ units: 3 }).apply(flat) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: tfl.layers.softmax().apply(logits) as tfl.SymbolicTensor });
    })();
    const models = [dense('softmax'), functional, dense(), dense('relu')];
    expect(models.map(endsInSoftmax)).toEqual([true, true, false, false]);
    for (const m of models) m.dispose();
  });

  it('warns once per model, naming the fix; never for probabilities or a function', () => {
    const messages: string[] = [];
    const model = dense('softmax');
    for (let i = 0; i < 3; i++) warnIfSoftmaxLogits('trainStep', model, 'logits', (m) => messages.push(m));
    warnIfSoftmaxLogits('trainStep', model, 'probabilities', (m) => messages.push(m));
    const other = dense('softmax');
    warnIfSoftmaxLogits('trainStep', other, 'probabilities', (m) => messages.push(m));
    warnIfSoftmaxLogits(
      'trainStep',
      other,
      () => tf.scalar(0),
      (m) => messages.push(m),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/softmax.*taskLoss: 'probabilities'/s);
    model.dispose();
    other.dispose();
  });

  it('trainStep warns through console.warn for a softmax model trained on logits', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = dense('softmax');
    const optimizer = tf.train.sgd(0.1);
    const inputs = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    trainStep({ model, optimizer, inputs, labels: [0, 1] });
    trainStep({ model, optimizer, inputs, labels: [0, 1] });
    const ours = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('softmax'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/^trainStep: the model's last layer ends in a softmax/);
    inputs.dispose();
    disposeOptimizer(optimizer);
    model.dispose();
  });
});
