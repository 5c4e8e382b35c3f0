import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { loadWasm, maxRelativeError, onBackend } from '../testing/wasm';

/** Tolerance for float32 reductions of up to 2·10⁴ terms, relative to max(1, max |cpu|). */
const TOLERANCE = 1e-5;

const cases: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false }, // batch-norm moments / gradients
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: true },
  { shape: [3, 7, 5, 8], axis: [1, 2], keepDims: false }, // global average pooling
  { shape: [9, 4], axis: 0, keepDims: false }, // dense bias gradient
  { shape: [2, 3, 4], axis: [-1], keepDims: true }, // innermost: stock kernel
  { shape: [2, 3, 4, 5], axis: [0, 2], keepDims: false }, // non-contiguous: stock kernel
  { shape: [64, 32, 32, 4], axis: [0, 1, 2], keepDims: false }, // large reduction
  { shape: [1 << 20, 2], axis: 0, keepDims: false }, // a million-element pooling window
];

describe('wasm Sum / Mean parity with cpu', () => {
  beforeAll(loadWasm);

  it.each(cases)('shape $shape axis $axis keepDims $keepDims', async ({ shape, axis, keepDims }) => {
    const rand = mulberry32(11);
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(values, shape);
        const s = tf.sum(x, axis, keepDims);
        const m = tf.mean(x, axis, keepDims);
        return { sumShape: s.shape, meanShape: m.shape, sum: s.dataSync(), mean: m.dataSync() };
      });
    const cpu = run();
    const start = tf.memory().numTensors;
    const wasm = await onBackend('wasm', run);
    expect(wasm.sumShape).toEqual(cpu.sumShape);
    expect(wasm.meanShape).toEqual(cpu.meanShape);
    expect(maxRelativeError(wasm.sum, cpu.sum)).toBeLessThan(TOLERANCE);
    expect(maxRelativeError(wasm.mean, cpu.mean)).toBeLessThan(TOLERANCE);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keeps int32 sums exact (stock path)', async () => {
    const out = await onBackend('wasm', () =>
      tf.tidy(() => Array.from(tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0).dataSync())),
    );
    expect(out).toEqual([4, 6]);
  });
});

describe('wasm Identity / Cast share buffers safely', () => {
  beforeAll(loadWasm);

  it('an identity output outlives its disposed input and vice versa', async () => {
    await onBackend('wasm', () => {
      const backend = tf.engine().backend as unknown as { numDataIds(): number };
      const ids = backend.numDataIds();
      const x = tf.tensor1d([1, 2, 3]);
      const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
      const z = tf.cast(x, 'float32');
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
      y.dispose();
      expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
      const w = tf.cast(z, 'int32');
      expect(w.dtype).toBe('int32');
      z.dispose();
      expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
      w.dispose();
      expect(backend.numDataIds()).toBe(ids);
    });
  });
});
