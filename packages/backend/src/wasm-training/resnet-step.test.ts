import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBatch, resnet18, trainStep } from '../testing/resnet';
import { loadWasm, onBackend } from '../testing/wasm';

/** A tiny ResNet (width 4, one block per stage in three stages, 12×12 inputs): cheap on `cpu`. */
const TINY = { width: 4, inputSize: 12, classes: 5, blocks: [1, 1, 1], seed: 7 };

function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): void {
  to.setWeights(from.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype)));
}

describe('ResNet training step on wasm (our kernels) vs cpu', () => {
  beforeAll(loadWasm);

  it('gives the same loss to 1e-4 after 4 SGD-with-momentum steps from the same weights', async () => {
    const reference = resnet18(TINY);
    const steps = 4;
    const cpuLosses = tf.tidy(() => {
      const model = resnet18(TINY);
      copyWeights(reference, model);
      const opt = tf.train.momentum(0.05, 0.9);
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) {
        const { x, y } = randomBatch(6, TINY.inputSize, TINY.classes, 100 + s);
        losses.push(trainStep(model, opt, x, y));
      }
      return losses;
    });
    const wasmLosses = await onBackend('wasm', () => {
      const model = resnet18(TINY);
      copyWeights(reference, model);
      const opt = tf.train.momentum(0.05, 0.9);
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) {
        const batch = randomBatch(6, TINY.inputSize, TINY.classes, 100 + s);
        losses.push(trainStep(model, opt, batch.x, batch.y));
        tf.dispose([batch.x, batch.y]);
      }
      return losses;
    });
    expect(cpuLosses[steps - 1]).not.toBeCloseTo(cpuLosses[0], 3); // the weights really moved
    for (let s = 0; s < steps; s++) expect(Math.abs(wasmLosses[s] - cpuLosses[s])).toBeLessThan(1e-4);
  });

  it('leaks no tensor and no wasm buffer across 50 training steps', async () => {
    await onBackend('wasm', () => {
      const model = resnet18({ ...TINY, blocks: [1, 1] });
      const opt = tf.train.momentum(0.01, 0.9);
      const { x, y } = randomBatch(4, TINY.inputSize, TINY.classes, 1);
      const backend = tf.engine().backend as unknown as { numDataIds(): number };
      trainStep(model, opt, x, y); // creates the optimizer's momentum slots
      const tensors = tf.memory().numTensors;
      const dataIds = backend.numDataIds();
      for (let s = 0; s < 50; s++) trainStep(model, opt, x, y);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(dataIds);
      tf.dispose([x, y]);
    });
  });
});
