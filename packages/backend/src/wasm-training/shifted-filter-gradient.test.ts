import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/resnet';
import { loadWasm, maxRelativeError, onBackend } from '../testing/wasm';
import { shiftedFilterGradientApplies } from './shifted-filter-gradient';

/** Same parity metric and tolerance as the convolution parity suite. */
const TOLERANCE = 1e-4;

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  pad: Pad;
}

// Shapes on which the shifted-view product is taken (asserted below), so this suite tests that path.
const cases: Case[] = [
  { x: [2, 16, 16, 3], k: [3, 3], cout: 5, pad: 'same' },
  { x: [1, 16, 16, 4], k: [3, 3], cout: 3, pad: 'valid' },
  { x: [3, 20, 17, 2], k: [3, 3], cout: 4, pad: 'same' },
  { x: [2, 24, 24, 3], k: [4, 4], cout: 2, pad: 'same' }, // even kernel: 1 row above, 2 below
  { x: [2, 18, 21, 3], k: [3, 5], cout: 4, pad: 'same' },
  {
    x: [2, 18, 18, 2],
    k: [3, 3],
    cout: 3,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 64, 64, 1], k: [7, 7], cout: 2, pad: 'valid' },
];

function random(shape: number[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rand() * 2 - 1;
  return out;
}

function filterGradient(c: Case, xv: Float32Array, dySeed: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, c.x);
    const f = tf.zeros([...c.k, c.x[3], c.cout]) as tf.Tensor4D;
    const y = tf.conv2d(x, f, 1, c.pad);
    const dy = tf.tensor(random(y.shape, dySeed), y.shape);
    const [df] = tf.grads((b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, b as tf.Tensor4D, 1, c.pad), dy)))([
      f,
    ]);
    return df.dataSync() as Float32Array;
  });
}

describe('shifted-view filter gradient (stride 1 on large activations)', () => {
  beforeAll(loadWasm);

  it.each(cases)('x=$x k=$k $pad matches cpu', async (c) => {
    const info = backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.cout], 1, 1, c.pad);
    expect(shiftedFilterGradientApplies(info)).toBe(true);
    const xv = random(c.x, 1);
    const cpu = filterGradient(c, xv, 2);
    const wasm = await onBackend('wasm', () => filterGradient(c, xv, 2));
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
  });

  it('is not taken for strides, dilations or small activations', () => {
    const info = (x: [number, number, number, number], k: number, stride: number, dilation = 1) =>
      backend_util.computeConv2DInfo(x, [k, k, x[3], 4], stride, dilation, 'same');
    expect(shiftedFilterGradientApplies(info([2, 32, 32, 3], 3, 2))).toBe(false);
    expect(shiftedFilterGradientApplies(info([2, 32, 32, 3], 3, 1, 2))).toBe(false);
    expect(shiftedFilterGradientApplies(info([2, 8, 8, 3], 3, 1))).toBe(false);
    expect(shiftedFilterGradientApplies(info([2, 32, 32, 3], 3, 1))).toBe(true);
  });

  it('keeps the inputs intact, their reference counts, and frees its grid buffers and views', async () => {
    await onBackend('wasm', () => {
      const backend = tf.engine().backend as unknown as {
        numDataIds(): number;
        refCount(dataId: object): number;
      };
      const x = tf.tensor4d(random([2, 16, 16, 3], 4), [2, 16, 16, 3]);
      const dy = tf.tensor4d(random([2, 16, 16, 5], 6), [2, 16, 16, 5]);
      const before = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds() };
      const refs = [x, dy].map((t) => backend.refCount(t.dataId));
      const copies = [x, dy].map((t) => Float32Array.from(t.dataSync()));
      for (let i = 0; i < 3; i++) {
        const df = tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] },
          ) as tf.Tensor;
        expect(df.shape).toEqual([3, 3, 3, 5]);
        df.dispose();
      }
      expect([x, dy].map((t) => backend.refCount(t.dataId))).toEqual(refs);
      for (const [i, t] of [x, dy].entries()) expect(t.dataSync()).toEqual(copies[i]);
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(backend.numDataIds()).toBe(before.dataIds);
      tf.dispose([x, dy]);
    });
  });
});
