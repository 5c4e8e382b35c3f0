// The README's "Regularizing your own model" example, run as written (few steps, one short epoch).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import {
  PairSampler,
  SimilarityRegularizer,
  targetsOf,
  thresholdedPixelTargets,
  train,
  trainStep,
} from './node';
import { readMnist } from './mnist-idx.fixture';

it('the README example regularizes a user-defined model with trainStep and train', async () => {
  const mnist = readMnist('train', 0, 192);
  const reg = readMnist('train', 40_000, 60);
  const [trainPixels, trainLabels, trainCount] = [mnist.images, mnist.labels, 192];
  const [regPixels, regCount] = [reg.images, 60];
  const steps = 2;
  const dir = mkdtempSync(join(tmpdir(), 'pixsim-readme-'));
  const start = tf.memory().numTensors;

  // --- README code, with 'runs/mnist' moved to a temporary folder and 20 epochs cut to 1 ---
  const input = tfl.input({ shape: [28, 28, 1] });
  const conv = (filters: number, name: string) =>
    tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name });
  let x = conv(4, 'block1').apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  x = conv(8, 'block2').apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 10, name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits });

  const trainSet = { images: trainPixels, shape: [trainCount, 28, 28, 1], labels: trainLabels };
  const regImages = { images: regPixels, shape: [regCount, 28, 28, 1] };

  const targets = thresholdedPixelTargets(regImages, { th: 0.2 });
  const sampler = new PairSampler(targets.pairs, { batchSize: 16, seed: 1 });
  const regularizer = new SimilarityRegularizer({ model, taps: ['block1', 'block2'] });
  const optimizer = tf.train.momentum(0.01, 0.9);

  const toInputs = (pixels: Uint8Array, ids: ArrayLike<number>) =>
    tf.tidy(() => {
      const batch = new Float32Array(ids.length * 784);
      Array.from(ids).forEach((id, k) => {
        for (let v = 0; v < 784; v++) batch[k * 784 + v] = pixels[id * 784 + v] / 255;
      });
      return tf.tensor4d(batch, [ids.length, 28, 28, 1]); // an MNIST task: [0, 1] as they are (the reference)
    });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const ids = Array.from({ length: 64 }, (_, k) => (step * 64 + k) % trainCount);
    const pairs = sampler.next();
    const inputs = toInputs(trainPixels, ids);
    const a = toInputs(
      regPixels,
      pairs.filter((_, p) => p % 2 === 0),
    );
    const b = toInputs(
      regPixels,
      pairs.filter((_, p) => p % 2 === 1),
    );
    const { taskLoss, simLoss } = trainStep({
      model,
      optimizer,
      regularizer,
      alpha: 0.1,
      inputs,
      labels: ids.map((id) => trainLabels[id]),
      pairs: { a, b, targets: targetsOf(targets, pairs) },
    });
    losses.push(taskLoss, simLoss!);
    tf.dispose([inputs, a, b]);
  }

  const result = await train({
    model,
    regularizer,
    train: trainSet,
    regularization: { images: regImages, targets },
    alpha: 4,
    epochs: 1,
    seed: 1,
    metricsFile: join(dir, 'metrics.jsonl'),
    checkpointDir: join(dir, 'checkpoints'),
    resume: true,
  });
  // --- end of README code ---

  for (const v of losses) expect(Number.isFinite(v)).toBe(true);
  expect(result.history).toHaveLength(1);
  expect(result.history[0].steps).toBe(3); // 192 images − 10 held out (1%, at least one per class) → 3 batches
  expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  optimizer.dispose();
  (optimizer as unknown as { c: tf.Tensor }).c.dispose(); // tfjs MomentumOptimizer.dispose() keeps its lr scalar
  regularizer.dispose();
  model.dispose();
  expect(tf.memory().numTensors).toBe(start);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);
