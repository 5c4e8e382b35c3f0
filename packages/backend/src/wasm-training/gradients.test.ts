import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { loadWasm, maxRelativeError, onBackend } from '../testing/wasm';
import { wasmTrainingGradientNames, wasmTrainingGradientsRegistered } from './gradients';

/** Gradient tolerance, relative to max(1, max |cpu|): float32 sums of up to ~10³ terms. */
const TOLERANCE = 1e-4;

const random = (shape: number[], seed: number, lo = -1, hi = 1) => {
  const rand = mulberry32(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rand()),
    shape,
  );
};

/** Gradients of `Σ w ⊙ f(inputs)` with respect to every input (a random `w` makes every output count). */
function gradients(inputs: tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const w = random(f(...inputs).shape, seed);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), w)))(inputs);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

async function compare(make: () => tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const run = () => {
    const inputs = make();
    const out = gradients(inputs, f, 99);
    tf.dispose(inputs);
    return out;
  };
  const cpu = run();
  const start = tf.memory().numTensors;
  const wasm = await onBackend('wasm', run);
  expect(tf.memory().numTensors).toBe(start);
  expect(wasm.length).toBe(cpu.length);
  for (let i = 0; i < cpu.length; i++) {
    expect(Array.from(cpu[i]).every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(wasm[i], cpu[i])).toBeLessThan(TOLERANCE);
  }
}

describe('wasm gradients of FusedBatchNorm / Mean / Sum match the stock gradients on cpu', () => {
  beforeAll(loadWasm);

  it('are registered for the three kernels', () => {
    expect(wasmTrainingGradientsRegistered()).toBe(true);
    expect([...wasmTrainingGradientNames].sort()).toEqual(['FusedBatchNorm', 'Mean', 'Sum']);
  });

  it.each([
    // (tfjs cannot differentiate a batch norm without `scale` or `offset` on any backend: the tape trips
    // over the missing input.)
    { shape: [3, 5, 4, 6] },
    { shape: [7, 3] },
    { shape: [2, 4, 4, 40] }, // C > 32: stock broadcasting multiply in ∂L/∂x
  ])('batch norm $shape', async ({ shape }) => {
    const c = shape[shape.length - 1];
    await compare(
      () => [random(shape, 1), random([c], 2), random([c], 3, 0.1, 2), random([c], 4), random([c], 5)],
      (x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
    );
  });

  it('batch norm with batch moments (the training path: gradients flow through the moments too)', async () => {
    await compare(
      () => [random([4, 3, 3, 5], 6), random([5], 7), random([5], 8)],
      (x, offset, scale) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, offset, scale, 1e-3);
      },
    );
  });

  it.each([
    { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axis: [1, 2], keepDims: true },
    { shape: [2, 3, 4], axis: [-1], keepDims: false },
    { shape: [2, 3, 4, 5], axis: [0, 2], keepDims: false },
    { shape: [6], axis: 0, keepDims: false },
  ])('mean and sum over $axis of $shape (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    await compare(
      () => [random(shape, 12)],
      (x) => tf.mean(x, axis, keepDims),
    );
    await compare(
      () => [random(shape, 13)],
      (x) => tf.sum(x, axis, keepDims),
    );
  });

  it('runs the stock gradient on cpu (no Tile) and ours on wasm (one Tile)', async () => {
    const tiles = async () => {
      const x = random([2, 3, 4], 14);
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.mean(v, [0, 1]))(x));
      x.dispose();
      tf.dispose(info.result as tf.Tensor);
      return info.kernels.filter((k) => k.name === 'Tile').length;
    };
    expect(await tiles()).toBe(0);
    expect(await onBackend('wasm', tiles)).toBe(1);
  });
});
