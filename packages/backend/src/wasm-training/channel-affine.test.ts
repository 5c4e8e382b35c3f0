import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { loadWasm, maxRelativeError, onBackend } from '../testing/wasm';

/** Tolerance (relative to max(1, max |cpu|)): one multiply-add per element in float32. */
const TOLERANCE = 1e-5;

function random(shape: number[], seed: number, low = -1, high = 1): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => low + rand() * (high - low));
}

const pairs: Array<[number[], number[]]> = [
  [[2, 3, 4, 5], [5]],
  [[5], [2, 3, 4, 5]],
  [
    [2, 3, 4, 5],
    [1, 1, 1, 5],
  ],
  [
    [1, 1, 1, 5],
    [2, 3, 4, 5],
  ],
  [[2, 3, 4, 5], []],
  [[], [3, 5]],
  [
    [6, 7],
    [1, 7],
  ],
  [
    [2, 3, 4, 5],
    [2, 3, 4, 5],
  ], // same shape: stock
  [
    [2, 3, 4, 5],
    [4, 1],
  ], // other broadcast: stock
  [[2, 2, 2, 40], [40]], // more than 32 channels: stock
];

describe('wasm per-channel Multiply / Add / Sub parity with cpu', () => {
  beforeAll(loadWasm);

  it.each(pairs)('%j ∘ %j', async (aShape, bShape) => {
    const av = random(aShape, 1);
    const bv = random(bShape, 2);
    const run = () =>
      tf.tidy(() => {
        const a = tf.tensor(av, aShape);
        const b = tf.tensor(bv, bShape);
        return [tf.mul(a, b), tf.add(a, b), tf.sub(a, b)].map((t) => ({
          shape: t.shape,
          values: t.dataSync(),
        }));
      });
    const cpu = run();
    const wasm = await onBackend('wasm', run);
    for (let i = 0; i < 3; i++) {
      expect(wasm[i].shape).toEqual(cpu[i].shape);
      expect(maxRelativeError(wasm[i].values, cpu[i].values)).toBeLessThan(TOLERANCE);
    }
  });
});

describe('wasm FusedBatchNorm parity with cpu', () => {
  beforeAll(loadWasm);

  it.each([
    { shape: [4, 6, 5, 3], withScale: true, withOffset: true },
    { shape: [4, 6, 5, 3], withScale: false, withOffset: true },
    { shape: [1, 2, 2, 8], withScale: true, withOffset: false },
    { shape: [5, 4], withScale: true, withOffset: true },
  ])('shape $shape scale=$withScale offset=$withOffset', async ({ shape, withScale, withOffset }) => {
    const c = shape[shape.length - 1];
    const xv = random(shape, 3, -3, 3);
    const [mean, variance, offset, scale] = [
      random([c], 4),
      random([c], 5, 0.1, 2),
      random([c], 6),
      random([c], 7),
    ];
    const run = () =>
      tf.tidy(() =>
        tf
          .batchNorm(
            tf.tensor(xv, shape),
            tf.tensor1d(mean),
            tf.tensor1d(variance),
            withOffset ? tf.tensor1d(offset) : undefined,
            withScale ? tf.tensor1d(scale) : undefined,
            1e-3,
          )
          .dataSync(),
      );
    const cpu = run();
    const wasm = await onBackend('wasm', run);
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
  });
});
