import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RegularizedNet, regularizedNet, similarityLoss } from '../testing/regularized-step';
import { mulberry32 } from '@pixsim/core';
import { randomBatch, resnet18 } from '../testing/resnet';
import { maxRelativeError, onBackend } from '../testing/wasm';
import { loadWebGPU, webgpuSkipReason } from '../testing/webgpu';

const skip = webgpuSkipReason();

/** A small ResNet with the `@pixsim/models` layout (explicit zero padding, `valid` convolutions). */
const NET = { width: 4, inputSize: 12, classes: 5, blocks: [1, 1, 1], seed: 3, explicitPadding: true };
const STEPS = 20;
const BATCH = 8;
const PAIRS = 4;
const ALPHA = 0.5;

/**
 * Tolerances for 20 steps of SGD with momentum from the same weights. One step agrees to ~1e-6
 * (float32 sums in another order, see the kernel suite); each update feeds that difference into the
 * next step, and batch norm divides by batch standard deviations, so differences grow with the steps.
 * At lr 0.02 they stay below 1e-4 over 20 steps on SwiftShader (measured on SwiftShader: 1.3e-7 on the losses, 3.4e-7 on the weights): 1e-4 on every
 * loss and 1e-3 on every final weight, relative to max(1, |cpu|), leave an order of magnitude of room
 * and would catch a wrong kernel, whose errors are O(1) from the first step.
 */
const LOSS_TOLERANCE = 1e-4;
const WEIGHT_TOLERANCE = 1e-3;

interface Run {
  losses: number[];
  weights: Float32Array[];
}

function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): void {
  tf.tidy(() => to.setWeights(from.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype))));
}

function pairBatch(step: number): { a: tf.Tensor4D; b: tf.Tensor4D; targets: tf.Tensor1D } {
  const first = randomBatch(PAIRS, NET.inputSize, NET.classes, 1000 + step);
  const second = randomBatch(PAIRS, NET.inputSize, NET.classes, 2000 + step);
  const rand = mulberry32(3000 + step);
  const targets = tf.tensor1d(Array.from({ length: PAIRS }, () => 1.6 * rand() - 0.8));
  tf.dispose([first.y, second.y]);
  return { a: first.x, b: second.x, targets };
}

/** Trains a copy of `reference` for {@link STEPS} steps on the active backend; reads with `data()`. */
async function train(reference: tfl.LayersModel, regularized: boolean): Promise<Run> {
  const model = resnet18(NET);
  copyWeights(reference, model);
  const r: RegularizedNet = regularizedNet(model);
  let afterFirstStep = 0;
  const optimizer = tf.train.momentum(0.02, 0.9);
  const variables = [
    ...model.trainableWeights.map((w) => w.read() as tf.Variable),
    ...(regularized ? [r.tapLogits] : []),
  ];
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const { x, y } = randomBatch(BATCH, NET.inputSize, NET.classes, 100 + step);
    const pairs = pairBatch(step);
    const loss = optimizer.minimize(
      () => {
        const outputs = r.net.apply(x, { training: true }) as tf.Tensor[];
        const task = tf.losses.softmaxCrossEntropy(y, outputs[outputs.length - 1]) as tf.Scalar;
        if (!regularized) return task;
        return tf.add(task, tf.mul(similarityLoss(r, pairs.a, pairs.b, pairs.targets), ALPHA)) as tf.Scalar;
      },
      true,
      variables,
    )!;
    losses.push((await loss.data())[0]);
    tf.dispose([loss, x, y, pairs.a, pairs.b, pairs.targets]);
    if (step === 0) afterFirstStep = tf.memory().numTensors; // the optimizer's momentum slots now exist
  }
  expect(tf.memory().numTensors).toBe(afterFirstStep); // the steps leave nothing behind
  const weights = await Promise.all(
    [...variables, ...r.runningMeans].map(async (v) => Float32Array.from(await v.data())),
  );
  optimizer.dispose();
  r.net.dispose(); // the layers (and weights) are shared with `model`
  tf.dispose([r.tapLogits, ...r.runningMeans]);
  return { losses, weights };
}

describe.skipIf(skip !== null)(`ResNet training on webgpu vs cpu${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    await onBackend('cpu', async () => {
      await loadWebGPU();
    });
  });

  it.each([
    { name: 'plain step (cross-entropy)', regularized: false },
    { name: `regularized step (cross-entropy + ${ALPHA}·L_sim, three passes)`, regularized: true },
  ])(
    `$name: ${STEPS} SGD-with-momentum steps give the same losses and weights`,
    async ({ regularized }) => {
      const reference = resnet18(NET);
      const cpu = await train(reference, regularized);
      const gpu = await onBackend('webgpu', () => train(reference, regularized));
      reference.dispose();
      expect(Math.abs(cpu.losses[STEPS - 1] - cpu.losses[0])).toBeGreaterThan(1e-2); // the weights moved
      const lossError = maxRelativeError(gpu.losses, cpu.losses);
      const weightError = Math.max(...cpu.weights.map((w, i) => maxRelativeError(gpu.weights[i], w)));
      console.info(
        `webgpu vs cpu, ${regularized ? 'regularized' : 'plain'} ResNet, ${STEPS} steps: max loss error ${lossError.toExponential(1)}, max weight error ${weightError.toExponential(1)}`,
      );
      expect(lossError).toBeLessThanOrEqual(LOSS_TOLERANCE);
      expect(weightError).toBeLessThanOrEqual(WEIGHT_TOLERANCE);
    },
    600_000,
  ); // SwiftShader runs the GPU's work on the CPU: minutes on a busy 2-core machine
});
