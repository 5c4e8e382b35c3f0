import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import type { EpochMetrics, StepInfo } from './trainer-types';
import { train } from './trainer';

function tinyModel(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: s });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, kernelInitializer: init(1) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
}

const n = 40;
const data = {
  images: Uint8Array.from({ length: n * 64 }, (_, i) => ((i * 37) % 251) + (i % 64 < 32 ? 0 : 4)),
  shape: [n, 8, 8, 1],
  labels: Int32Array.from({ length: n }, (_, i) => i % 2),
};
// 36 training images after the 10 % hold-out → 5 steps of 8.
const common = {
  train: data,
  epochs: 2,
  seed: 3,
  batchSize: 8,
  learningRate: 0.05,
  progress: false,
} as const;

describe('train callbacks', () => {
  it('onStep sees every step in order with its losses; onEpochEnd every epoch with its metrics', async () => {
    const start = tf.memory().numTensors;
    const steps: StepInfo[] = [];
    const epochs: EpochMetrics[] = [];
    const model = tinyModel();
    const result = await train({
      ...common,
      model,
      validationFraction: 0.1,
      onStep: (s) => {
        steps.push(s);
      },
      onEpochEnd: async (m) => {
        await Promise.resolve();
        epochs.push(m);
      },
    });
    expect(steps.map((s) => [s.epoch, s.step, s.globalStep])).toEqual([
      [0, 0, 1],
      [0, 1, 2],
      [0, 2, 3],
      [0, 3, 4],
      [0, 4, 5],
      [1, 0, 6],
      [1, 1, 7],
      [1, 2, 8],
      [1, 3, 9],
      [1, 4, 10],
    ]);
    for (const s of steps) {
      expect(Number.isFinite(s.taskLoss)).toBe(true);
      expect(s.simLoss).toBeNull();
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.accuracy).toBeLessThanOrEqual(1);
      expect(s.learningRate).toBe(0.05);
    }
    expect(epochs).toEqual(result.history);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('aborting the signal from onStep stops before the next step', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const model = tinyModel();
    const result = await train({
      ...common,
      model,
      signal: controller.signal,
      onStep: (s) => {
        seen.push(s.globalStep);
        if (s.globalStep === 3) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.steps).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    model.dispose();
  });

  it('an abort from outside (a timer, as a signal handler runs) stops training within a step, not at the epoch end', async () => {
    const controller = new AbortController();
    const model = tinyModel();
    const start = tf.memory().numTensors;
    // Runs as a macrotask, as Node runs a SIGINT/SIGTERM handler: only when the training loop yields to it.
    setTimeout(() => controller.abort(), 0);
    const result = await train({ ...common, model, signal: controller.signal });
    expect(result.interrupted).toBe(true);
    expect(result.steps).toBeLessThan(5); // 5 steps per epoch
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it('a callback that is not a function is a typed error before any work', async () => {
    const model = tinyModel();
    const start = tf.memory().numTensors;
    for (const bad of [{ onStep: 'log' }, { onEpochEnd: 3 }]) {
      await expect(train({ ...common, model, ...(bad as object) })).rejects.toThrow(InvalidOptionError);
    }
    await expect(train({ ...common, model, onStep: 1 as never })).rejects.toThrow(
      /onStep must be a function/,
    );
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });
});
