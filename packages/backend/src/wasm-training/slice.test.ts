import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, onBackend } from '../testing/wasm';

const cases: Array<{
  shape: number[];
  begin: number[];
  size: number[];
  dtype: 'float32' | 'int32' | 'bool';
}> = [
  { shape: [4, 30, 30, 8], begin: [0, 1, 1, 0], size: [4, 28, 28, 8], dtype: 'float32' }, // padding gradient
  { shape: [6, 5], begin: [2, 0], size: [3, 5], dtype: 'float32' }, // whole rows: one run
  { shape: [6, 5], begin: [1, 2], size: [4, -1], dtype: 'int32' }, // -1: to the end
  { shape: [7], begin: [3], size: [2], dtype: 'float32' },
  { shape: [2, 3, 4, 5, 2], begin: [1, 0, 1, 2, 0], size: [1, 3, 2, 3, 2], dtype: 'bool' },
  { shape: [3, 4, 5], begin: [0, 0, 0], size: [3, 4, 5], dtype: 'float32' }, // the whole tensor
  { shape: [3, 4], begin: [1, 1], size: [0, 2], dtype: 'float32' }, // empty
];

describe('wasm Slice parity with cpu (exact)', () => {
  beforeAll(loadWasm);

  it.each(cases)('shape $shape begin $begin size $size $dtype', async ({ shape, begin, size, dtype }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i * 3 - 7));
    const run = () =>
      tf.tidy(() => {
        const t = tf.slice(tf.tensor(values, shape, dtype), begin, size);
        return { shape: t.shape, values: Array.from(t.dataSync()) };
      });
    const cpu = run();
    const start = tf.memory().numTensors;
    const wasm = await onBackend('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gives the same gradient as cpu through pad → slice (the stride-2 padding of the ResNets)', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(
          Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i)),
          [2, 5, 5, 3],
        );
        const weights = tf.reshape(tf.range(0, 2 * 7 * 7 * 3), [2, 7, 7, 3]);
        const g = tf.grad((v: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.pad(v, [
                [0, 0],
                [1, 1],
                [1, 1],
                [0, 0],
              ]),
              weights,
            ),
          ),
        )(x);
        return Array.from(g.dataSync());
      });
    const cpu = run();
    const wasm = await onBackend('wasm', run);
    expect(wasm).toEqual(cpu);
  });
});
