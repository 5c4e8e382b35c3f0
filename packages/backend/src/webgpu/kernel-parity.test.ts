import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { maxRelativeError, onBackend } from '../testing/wasm';
import { loadWebGPU, webgpuSkipReason } from '../testing/webgpu';

const skip = webgpuSkipReason();

/**
 * Tolerances, relative to max(1, max |cpu|) (see `maxRelativeError`). Float32 on a GPU differs from the
 * `cpu` backend in three ways: sums run in another order (tiled convolutions and matrix products, tree
 * reductions), multiply-adds may be fused (one rounding instead of two), and WGSL's `exp`, `log`,
 * `sqrt`, `inverseSqrt` are allowed a few ULP (2⁻²¹ absolute for `log` near 1). Element-wise results
 * therefore agree to a few ULP (≈ 1e-6 relative), transcendental ones to ≈ 1e-5, and a sum of n terms to
 * ≈ n·2⁻²⁴ relative to the sum of the magnitudes; our sums have up to ~10³ terms of either sign, hence
 * 1e-4 for reductions, convolutions and every gradient through them (the bound the wasm suite uses too).
 */
const ELEMENTWISE = 1e-5;
const REDUCTION = 1e-4;

type Make = () => tf.Tensor[];
interface Case {
  name: string;
  make: Make;
  f: (...xs: tf.Tensor[]) => tf.Tensor;
  tolerance: number;
  /** Inputs to differentiate (indices into `make()`); default every float input. */
  wrt?: number[];
}

function random(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const rand = mulberry32(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => lo + (hi - lo) * rand()),
    shape,
  );
}

/**
 * Values and gradients of `Σ w ⊙ f(inputs)` (a random `w` makes every output count), read with
 * `data()`: in Node the webgpu backend has no synchronous readback.
 */
async function evaluate(c: Case): Promise<Float32Array[]> {
  const results = tf.tidy(() => {
    const inputs = c.make();
    const wrt = c.wrt ?? inputs.flatMap((t, i) => (t.dtype === 'float32' ? [i] : []));
    const value = c.f(...inputs);
    if (wrt.length === 0) return [value];
    const w = random(value.shape, 99);
    const loss = (...xs: tf.Tensor[]) => {
      const all = inputs.slice();
      wrt.forEach((index, j) => {
        all[index] = xs[j];
      });
      return tf.sum(tf.mul(c.f(...all), w));
    };
    return [value, ...tf.grads(loss)(wrt.map((i) => inputs[i]))];
  });
  const values = await Promise.all(results.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(results);
  return values;
}

const conv =
  (stride: number, pad: 'same' | 'valid' | [number, number, number, number]) =>
  (x: tf.Tensor, w: tf.Tensor) => {
    if (typeof pad === 'string') return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);
    const padded = tf.pad(x, [
      [0, 0],
      [pad[0], pad[1]],
      [pad[2], pad[3]],
      [0, 0],
    ]);
    return tf.conv2d(padded as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid');
  };

/** Batch norm in training mode, as `tfl.layers.batchNormalization` computes it. */
function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
}

/** The regularizer's per-tap work: centre, split into the two halves, cosine of each pair. */
function centredCosine(features: tf.Tensor, runningMean: tf.Tensor): tf.Tensor {
  const centred = tf.sub(features, runningMean);
  const [a, b] = tf.split(centred, 2, 0);
  const k = a.shape[0];
  const af = tf.reshape(a, [k, -1]);
  const bf = tf.reshape(b, [k, -1]);
  const norm = (t: tf.Tensor) => tf.sqrt(tf.maximum(tf.sum(tf.square(t), 1), 1e-12));
  return tf.div(tf.sum(tf.mul(af, bf), 1), tf.mul(norm(af), norm(bf)));
}

const CASES: Case[] = [
  ...[
    { k: 3, s: 1, pad: 'same' as const, x: [2, 9, 9, 3], o: 8 },
    { k: 3, s: 2, pad: 'same' as const, x: [2, 10, 10, 4], o: 8 },
    { k: 1, s: 2, pad: 'valid' as const, x: [3, 8, 8, 8], o: 16 },
    { k: 3, s: 1, pad: 'valid' as const, x: [1, 7, 6, 5], o: 3 },
    { k: 7, s: 1, pad: [3, 3, 3, 3] as [number, number, number, number], x: [2, 12, 12, 1], o: 8 },
    { k: 7, s: 2, pad: [3, 3, 3, 3] as [number, number, number, number], x: [2, 13, 13, 3], o: 4 },
    { k: 3, s: 2, pad: [1, 1, 1, 1] as [number, number, number, number], x: [2, 8, 8, 16], o: 32 },
  ].map(({ k, s, pad, x, o }) => ({
    name: `conv2d ${k}×${k}/${s} ${JSON.stringify(pad)} x=${JSON.stringify(x)} → ${o}`,
    make: () => [random(x, k * 10 + s), random([k, k, x[3], o], k * 10 + s + 1)],
    f: conv(s, pad),
    tolerance: REDUCTION,
  })),
  {
    name: 'explicit zero padding (tf.pad)',
    make: () => [random([2, 5, 6, 3], 1)],
    f: (x) =>
      tf.pad(x, [
        [0, 0],
        [1, 2],
        [3, 0],
        [0, 0],
      ]),
    tolerance: 0,
  },
  {
    name: 'batch norm in training mode (moments over N, H, W)',
    make: () => [random([4, 6, 6, 8], 2, -2, 3), random([8], 3, 0.5, 1.5), random([8], 4)],
    f: batchNormTraining,
    tolerance: REDUCTION,
  },
  {
    name: 'batch norm in inference mode (running statistics)',
    make: () => [
      random([2, 5, 5, 4], 5),
      random([4], 6),
      random([4], 7, 0.5, 2),
      random([4], 8),
      random([4], 9),
    ],
    f: (x, m, v, b, g) => tf.batchNorm(x, m, v, b, g, 1e-3),
    tolerance: ELEMENTWISE,
  },
  { name: 'relu', make: () => [random([3, 4, 4, 5], 10)], f: (x) => tf.relu(x), tolerance: 0 },
  {
    name: 'residual add with broadcast bias',
    make: () => [random([2, 4, 4, 6], 11), random([2, 4, 4, 6], 12), random([6], 13)],
    f: (a, b, c) => tf.add(tf.add(a, b), c),
    tolerance: ELEMENTWISE,
  },
  {
    name: 'global average pooling (mean over H, W)',
    make: () => [random([3, 7, 7, 16], 14)],
    f: (x) => tf.mean(x, [1, 2]),
    tolerance: REDUCTION,
  },
  {
    name: 'max pooling 3×3/2 same (imagenet stem)',
    make: () => [random([2, 9, 9, 4], 15)],
    f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'),
    tolerance: ELEMENTWISE, // the gradient adds up to 4 overlapping windows
  },
  {
    name: 'dense layer (matMul + bias)',
    make: () => [random([5, 64], 16), random([64, 10], 17), random([10], 18)],
    f: (x, w, b) => tf.add(tf.matMul(x, w), b),
    tolerance: REDUCTION,
  },
  {
    name: 'softmax cross-entropy with one-hot labels',
    make: () => [random([6, 10], 19, -4, 4), tf.tensor1d([0, 3, 9, 3, 5, 1], 'int32')],
    f: (logits, labels) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits),
    tolerance: ELEMENTWISE,
  },
  {
    name: 'log-softmax (attacks)',
    make: () => [random([4, 10], 20, -6, 6)],
    f: (x) => tf.logSoftmax(x),
    tolerance: ELEMENTWISE,
  },
  {
    name: 'regularizer: centring, split, cosine of the pairs',
    make: () => [random([6, 5, 5, 8], 21), random([8], 22, -0.2, 0.2)],
    f: centredCosine,
    tolerance: REDUCTION,
  },
  {
    name: 'regularizer: running-mean update (mean over 2k images and space)',
    make: () => [random([6, 5, 5, 8], 23), random([8], 24)],
    f: (x, m) => tf.add(tf.mul(m, 0.9), tf.mul(tf.mean(x, [0, 1, 2]), 0.1)),
    tolerance: REDUCTION,
  },
  {
    name: 'regularizer: softmax tap weights, stack and weighted sum',
    make: () => [random([5], 25, -2, 2), random([5, 4], 26)],
    f: (w, sims) => tf.sum(tf.mul(tf.expandDims(tf.softmax(w), 1), tf.stack(tf.unstack(sims))), 0),
    tolerance: ELEMENTWISE,
  },
  {
    name: 'similarity loss: (log(1+x+ε) − log(1−x+ε) − target)² with clipping',
    make: () => [random([16], 27, -0.99, 0.99), random([16], 28, -3, 3)],
    f: (x, t) => {
      const s = tf.clipByValue(x, -1, 1);
      const z = tf.sub(tf.log(tf.add(tf.add(s, 1), 1e-5)), tf.log(tf.add(tf.sub(1, s), 1e-5)));
      return tf.square(tf.sub(z, t));
    },
    tolerance: ELEMENTWISE,
  },
  {
    name: 'concat of the two pair halves along the batch',
    make: () => [random([3, 4, 4, 2], 29), random([3, 4, 4, 2], 30)],
    f: (a, b) => tf.concat([a, b], 0),
    tolerance: 0,
  },
  {
    name: 'gather rows (float, attacks and image sets)',
    make: () => [random([7, 3, 3, 2], 31), tf.tensor1d([6, 0, 3, 3, 1], 'int32')],
    f: (x, i) => tf.gather(x, i),
    tolerance: 0,
  },
  {
    name: 'gather rows of int32 pixels, then cast',
    make: () => [
      tf.tensor2d(
        [
          [1, 2, 3],
          [40, 50, 60],
          [255, 0, 7],
        ],
        [3, 3],
        'int32',
      ),
      tf.tensor1d([2, 0, 2], 'int32'),
    ],
    f: (x, i) => tf.cast(tf.gather(x, i), 'float32'),
    tolerance: 0,
  },
  {
    name: 'PGD step: sign, per-image L2 norm, clip',
    make: () => [random([3, 4, 4, 3], 32), random([3, 4, 4, 3], 33)],
    f: (x, g) => {
      const norms = tf.sqrt(tf.sum(tf.square(g), [1, 2, 3], true));
      return tf.clipByValue(
        tf.add(tf.add(x, tf.mul(tf.sign(g), 0.03)), tf.div(g, tf.maximum(norms, 1e-12))),
        0,
        1,
      );
    },
    tolerance: ELEMENTWISE,
    wrt: [0],
  },
  {
    name: 'argMax, equal, where, minimum, tile (attacks bookkeeping)',
    make: () => [random([5, 10], 34), random([5, 10], 35)],
    f: (a, b) => {
      const hit = tf.equal(tf.argMax(a, 1), tf.argMax(b, 1));
      return tf.where(tf.tile(tf.expandDims(hit, 1), [1, 10]), tf.minimum(a, b), tf.maximum(a, b));
    },
    tolerance: 0,
    wrt: [],
  },
  {
    name: 'transpose and slice (similarity matrices)',
    make: () => [random([6, 9], 36)],
    f: (x) => tf.matMul(tf.slice(x, [1, 2], [4, 5]), tf.transpose(tf.slice(x, [0, 0], [3, 5]))),
    tolerance: REDUCTION,
  },
];

describe.skipIf(skip !== null)(
  `webgpu kernels vs cpu: values and gradients${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      await onBackend('cpu', async () => {
        await loadWebGPU();
      });
    });

    /** Largest error of each case (values, then gradients), printed at the end for the README. */
    const worst: string[] = [];
    afterAll(() => {
      console.info(`webgpu vs cpu, max relative error per case (value; gradients):\n${worst.join('\n')}`);
    });

    it.each(CASES)('$name', async (c) => {
      const cpu = await evaluate(c);
      const start = tf.memory().numTensors;
      const gpu = await onBackend('webgpu', () => evaluate(c));
      expect(tf.memory().numTensors).toBe(start);
      expect(gpu.length).toBe(cpu.length);
      const errors = cpu.map((values, i) => maxRelativeError(gpu[i], values));
      worst.push(`${c.name}: ${errors.map((e) => e.toExponential(1)).join('; ')}`);
      for (let i = 0; i < cpu.length; i++) {
        expect(Array.from(cpu[i]).every(Number.isFinite)).toBe(true);
        const error = errors[i];
        expect(
          error,
          `${i === 0 ? 'value' : `gradient ${i}`}: max relative error ${error}`,
        ).toBeLessThanOrEqual(c.tolerance);
      }
    });
  },
);
