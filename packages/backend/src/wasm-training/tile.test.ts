import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, onBackend } from '../testing/wasm';

const cases: Array<{ shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
  { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1], dtype: 'float32' }, // the batch-norm gradient's case
  { shape: [2, 3], reps: [2, 3], dtype: 'float32' },
  { shape: [3], reps: [4], dtype: 'int32' },
  { shape: [2, 1, 3], reps: [1, 5, 2], dtype: 'bool' },
  { shape: [2, 3, 4], reps: [1, 1, 1], dtype: 'float32' },
  { shape: [1, 2, 1, 3, 2], reps: [2, 1, 3, 1, 2], dtype: 'int32' },
  { shape: [0, 3], reps: [2, 2], dtype: 'float32' },
];

describe('wasm Tile parity with cpu (exact)', () => {
  beforeAll(loadWasm);

  it.each(cases)('shape $shape reps $reps $dtype', async ({ shape, reps, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 2 : i * 3 - 7));
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(values, shape, dtype);
        const t = tf.tile(x, reps);
        return { shape: t.shape, values: Array.from(t.dataSync()) };
      });
    const cpu = run();
    const start = tf.memory().numTensors;
    const wasm = await onBackend('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(start);
  });
});
