import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { expectInputsUntouched, loadWasm, maxRelativeError, onBackend } from '../testing/wasm';

/** Parity tolerance: max |wasm − cpu| ≤ 1e-4 · max(1, max |cpu|) (float32, sums of ≤ 7·7·C·N terms). */
const TOLERANCE = 1e-4;

interface Case {
  x: [number, number, number, number];
  k: number;
  cout: number;
  stride: number;
  pad: 'same' | 'valid';
}

// cout 4: the SIMD filter-gradient kernel; cout 3: the fallback paths (1×1 gather + matmul, convolution).
const cases: Case[] = [];
for (const k of [1, 3, 7])
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const [batch, h, w] of [
        [1, 9, 8],
        [3, 8, 11],
      ])
        for (const cout of [4, 3]) cases.push({ x: [batch, h, w, k === 7 ? 2 : 3], k, cout, stride, pad });

function random(shape: number[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** Forward value and both gradients of Σ(conv2d(x, f) ⊙ dy) on the active backend. */
function convAndGrads(c: Case, xv: Float32Array, fv: Float32Array, dySeed: number) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, c.x);
    const f = tf.tensor4d(fv, [c.k, c.k, c.x[3], c.cout]);
    const y = tf.conv2d(x, f, c.stride, c.pad);
    const dy = tf.tensor(random(y.shape, dySeed), y.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)),
    )([x, f]);
    return { y: y.dataSync(), dx: g[0].dataSync(), df: g[1].dataSync() };
  });
}

describe('wasm Conv2DBackpropInput / Conv2DBackpropFilter parity with cpu', () => {
  beforeAll(loadWasm);

  it.each(cases)('x=$x k=$k cout=$cout stride=$stride $pad', async (c) => {
    const xv = random(c.x, 1);
    const fv = random([c.k, c.k, c.x[3], c.cout], 2);
    const cpu = convAndGrads(c, xv, fv, 3);
    const wasm = await onBackend('wasm', () => convAndGrads(c, xv, fv, 3));
    expect(maxRelativeError(wasm.y, cpu.y)).toBeLessThan(TOLERANCE);
    expect(maxRelativeError(wasm.dx, cpu.dx)).toBeLessThan(TOLERANCE);
    expect(maxRelativeError(wasm.df, cpu.df)).toBeLessThan(TOLERANCE);
  });

  it('leaves the inputs and their reference counts untouched, and frees every intermediate', async () => {
    await onBackend('wasm', () => {
      const x = tf.tensor4d(random([2, 9, 9, 3], 4), [2, 9, 9, 3]);
      const f = tf.tensor4d(random([3, 3, 3, 5], 5), [3, 3, 3, 5]);
      const dy = tf.tensor4d(random([2, 5, 5, 5], 6), [2, 5, 5, 5]);
      expectInputsUntouched([x, f, dy], () => {
        const common = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
        const dx = tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: f },
            { ...common, inputShape: x.shape },
          ) as tf.Tensor;
        const df = tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }) as tf.Tensor;
        expect(dx.shape).toEqual(x.shape);
        expect(df.shape).toEqual(f.shape);
        tf.dispose([dx, df]);
      });
      tf.dispose([x, f, dy]);
    });
  });

  it('rejects NCHW data with a typed error', async () => {
    await onBackend('wasm', () => {
      const x = tf.zeros([1, 3, 4, 4]);
      const dy = tf.zeros([1, 2, 4, 4]);
      expect(() =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 2] },
          ),
      ).toThrow(/NHWC/);
      tf.dispose([x, dy]);
    });
  });
});
