/**
 * train() and its reads on an engine without synchronous reads: the cpu engine registered by
 * `registerAsyncOnlyBackend` (@pixsim/backend) refuses dataSync()/arraySync() as the webgpu engine does
 * in Node, so this runs everywhere. Every number must equal plain cpu's, bit for bit.
 */
import '@tensorflow/tfjs-backend-cpu';
import { registerAsyncOnlyBackend, SyncReadUnsupportedError } from '@pixsim/backend';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import { cyclicStepDecay } from './lr-schedule';
import { SimilarityRegularizer } from './similarity-regularizer';
import { type PairTargets, thresholdedPixelTargets, thresholdedPixelTargetsAsync } from './targets';
import { trainStep, trainStepAsync } from './train-step';
import { train } from './trainer';
import type { TrainResult } from './trainer-types';
import { disposeOptimizer } from './trainer-state';

const ASYNC_ONLY = registerAsyncOnlyBackend();

/** A tiny conv net with batch norm; `seed` fixes its initial weights. */
function tinyModel(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed * 10 + s });
  const input = tfl.input({ shape: [8, 8, 1] });
  const c1 = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem', kernelInitializer: init(1) })
    .apply(input) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(c1) as tfl.SymbolicTensor;
  const r = tfl.layers.activation({ activation: 'relu', name: 'stage1' }).apply(bn) as tfl.SymbolicTensor;
  const p = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(r) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, name: 'logits', kernelInitializer: init(3) })
    .apply(p) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

function syntheticImages(n: number, seed: number) {
  let s = seed;
  const images = new Uint8Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let v = 0; v < 64; v++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const base = labels[i] === 0 ? (v < 32 ? 200 : 40) : labels[i] === 1 ? (v % 8 < 4 ? 200 : 40) : 120;
      images[i * 64 + v] = Math.max(0, Math.min(255, base + ((s >> 8) % 80) - 40));
    }
  }
  return { images, shape: [n, 8, 8, 1] as const, labels };
}

const data = syntheticImages(40, 5);
const regularization = syntheticImages(12, 9);

/** Everything train() does once per run, on the active backend; returns plain numbers. */
async function trainHere(targets: PairTargets) {
  const start = tf.memory().numTensors;
  const model = tinyModel(3);
  const regularizer = new SimilarityRegularizer({ model, taps: ['stem', 'stage1'] });
  // Images as an int32 tensor: the pixel-range check of a tensor reads it.
  const trainImages = tf.tensor4d(Int32Array.from(data.images), [...data.shape], 'int32');
  const store = memoryCheckpointStore();
  const options = {
    model,
    regularizer,
    train: { images: trainImages, labels: data.labels },
    regularization: { images: regularization, targets },
    alpha: 1,
    epochs: 2,
    seed: 4,
    batchSize: 8,
    pairBatchSize: 4,
    heldOutPairs: 8,
    validationFraction: 0.2,
    learningRate: cyclicStepDecay({ initial: 0.05, every: 1, cycle: 2 }),
    progress: false,
    checkpointDir: 'run',
    checkpoint: store,
    restoreBest: true,
  } as const;
  try {
    // Interrupted, then resumed (restore reads the regularizer state), then the best epoch restored.
    const cut = await train({ ...options, checkpointEverySteps: 2, stopAfterSteps: 5 });
    expect(cut.interrupted).toBe(true);
    const result: TrainResult = await train({ ...options, resume: true });
    const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
    const state = regularizer.getState();
    const regularizerState = await Promise.all(
      Object.entries(state).map(async ([k, t]) => [k, Array.from(await t.data())] as const),
    );
    tf.dispose(Object.values(state));
    return { result, weights, regularizerState };
  } finally {
    regularizer.dispose();
    model.dispose();
    trainImages.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }
}

describe('train() where only await data() reads (the webgpu engine in Node, here its cpu stand-in)', () => {
  let previous: string;
  beforeAll(() => {
    previous = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('refuses synchronous reads on the stand-in, so the test below proves the asynchronous path', async () => {
    await tf.setBackend(ASYNC_ONLY);
    const x = tf.tensor1d([1, 2]);
    const y = tf.add(x, 1);
    expect(() => y.dataSync()).toThrow(SyncReadUnsupportedError);
    expect(() => thresholdedPixelTargets(regularization, { th: 0.2 })).toThrow(SyncReadUnsupportedError);
    tf.dispose([x, y]);
  });

  it('trains (regularized, validation, held-out similarity, resume, restoreBest) with the numbers of cpu', async () => {
    await tf.setBackend('cpu');
    const cpuTargets = thresholdedPixelTargets(regularization, { th: 0.2 });
    const onCpu = await trainHere(cpuTargets);
    await tf.setBackend(ASYNC_ONLY);
    const asyncTargets = await thresholdedPixelTargetsAsync(regularization, { th: 0.2 });
    expect(asyncTargets).toEqual(cpuTargets);
    const onAsyncOnly = await trainHere(asyncTargets);

    expect(onCpu.result.steps).toBe(8);
    expect(onCpu.result.history[0].heldOutCorrelation).not.toBeNull();
    expect(onCpu.result.history[0].validationLoss).not.toBeNull();
    expect(onAsyncOnly.result.history.map(({ imagesPerSecond: _, ...m }) => m)).toEqual(
      onCpu.result.history.map(({ imagesPerSecond: _, ...m }) => m),
    );
    expect(onAsyncOnly.result.initialHeldOutCorrelation).toBe(onCpu.result.initialHeldOutCorrelation);
    expect(onAsyncOnly.result.bestEpoch).toBe(onCpu.result.bestEpoch);
    expect(onAsyncOnly.weights).toEqual(onCpu.weights);
    expect(onAsyncOnly.regularizerState).toEqual(onCpu.regularizerState);
  });

  it('trainStepAsync reads tensor labels and targets; trainStep throws there and leaves nothing behind', async () => {
    const run = async (step: typeof trainStep | typeof trainStepAsync) => {
      const model = tinyModel(8);
      const regularizer = new SimilarityRegularizer({ model, taps: ['stem', 'stage1'] });
      const inputs = tf.tidy(() => tf.div(tf.tensor4d(data.images.slice(0, 6 * 64), [6, 8, 8, 1]), 255));
      const a = tf.tidy(() => tf.div(tf.tensor4d(regularization.images.slice(0, 2 * 64), [2, 8, 8, 1]), 255));
      const b = tf.tidy(() =>
        tf.div(tf.tensor4d(regularization.images.slice(2 * 64, 4 * 64), [2, 8, 8, 1]), 255),
      );
      const labels = tf.tensor1d(data.labels.slice(0, 6), 'int32');
      const targets = tf.tensor1d([1, -1]);
      const start = tf.memory().numTensors;
      const optimizer = tf.train.momentum(0.05, 0.9);
      try {
        const result = await step({
          model,
          optimizer,
          regularizer,
          alpha: 0.5,
          inputs: inputs as tf.Tensor4D,
          labels,
          pairs: { a: a as tf.Tensor4D, b: b as tf.Tensor4D, targets },
        });
        const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
        return { result, weights };
      } finally {
        disposeOptimizer(optimizer); // its slots and its learning-rate scalar
        expect(tf.memory().numTensors).toBe(start);
        tf.dispose([inputs, a, b, labels, targets]);
        regularizer.dispose();
        model.dispose();
      }
    };
    await tf.setBackend('cpu');
    const onCpu = await run(trainStep);
    await tf.setBackend(ASYNC_ONLY);
    const start = tf.memory().numTensors;
    await expect(run(trainStep)).rejects.toThrow(SyncReadUnsupportedError);
    expect(tf.memory().numTensors).toBe(start);
    const onAsyncOnly = await run(trainStepAsync);
    expect(onAsyncOnly).toEqual(onCpu);
    expect(onCpu.result.simLoss).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(start);
  });
});
