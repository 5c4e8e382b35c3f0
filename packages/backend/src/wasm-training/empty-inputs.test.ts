import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, onBackend } from '../testing/wasm';

/** A shape of rank 1–4 with dimensions 0–3, at least one of them 0 (an empty tensor, e.g. N = 0). */
const emptyShape = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 })
  .chain((dims) =>
    fc.integer({ min: 0, max: dims.length - 1 }).map((z) => dims.map((d, i) => (i === z ? 0 : d))),
  );

/** A non-empty set of axes of a tensor of rank `rank`, sorted, or `null` for a reduction over every axis. */
const axesOf = (rank: number) =>
  fc.option(fc.uniqueArray(fc.integer({ min: 0, max: rank - 1 }), { minLength: 1, maxLength: rank }), {
    nil: null,
  });

interface Outcome {
  shape: number[];
  values: number[];
}

/** Runs `f` under `tf.tidy` and reads every output back, so nothing outlives the call. */
function read(f: () => tf.Tensor | tf.Tensor[]): Outcome[] {
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => ({
      shape: t.shape,
      values: Array.from(t.dataSync()),
    }));
  });
}

/** `f` on wasm (with the training kernels) gives the cpu backend's shapes and values, all finite, no leak. */
async function sameAsCpu(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const cpu = read(f);
  const before = tf.memory().numTensors;
  const wasm = await onBackend('wasm', () => read(f));
  expect(tf.memory().numTensors).toBe(before);
  expect(wasm).toEqual(cpu);
  for (const o of wasm) expect(o.values.every(Number.isFinite)).toBe(true);
}

describe('wasm training kernels on empty inputs (N = 0, zero-sized axes)', () => {
  beforeAll(loadWasm);

  it('Sum and Mean over any axes of an empty tensor give zeros of the output shape, as cpu does', async () => {
    await fc.assert(
      fc.asyncProperty(
        emptyShape.chain((shape) => fc.tuple(fc.constant(shape), axesOf(shape.length), fc.boolean())),
        fc.constantFrom('float32', 'int32'),
        async ([shape, axes, keepDims], dtype) => {
          const axis = axes ?? undefined;
          await sameAsCpu(() => {
            const x = tf.zeros(shape, dtype as 'float32');
            return [tf.sum(x, axis, keepDims), tf.mean(tf.cast(x, 'float32'), axis, keepDims)];
          });
        },
      ),
      { numRuns: 60, seed: 15 },
    );
  });

  it('a batch of N = 0 through moments, batch norm, convolution and their gradients stays finite', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (size, cin, cout) => {
          const shape: [number, number, number, number] = [0, size, size, cin];
          await sameAsCpu(() => {
            const x = tf.zeros(shape) as tf.Tensor4D;
            const w = tf.ones([3, 3, cin, cout]) as tf.Tensor4D;
            const { mean, variance } = tf.moments(x, [0, 1, 2]);
            const bn = (t: tf.Tensor) =>
              tf.batchNorm(t, tf.zeros([cin]), tf.ones([cin]), tf.zeros([cin]), tf.ones([cin]), 1e-3);
            const loss = (input: tf.Tensor, filter: tf.Tensor) =>
              tf.sum(tf.mean(tf.conv2d(bn(input) as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'), [1, 2]));
            const [dx, dw] = tf.grads(loss)([x, w]);
            const dMean = tf.grad((t: tf.Tensor) => tf.sum(tf.mean(t, [0, 1, 2])))(x);
            const dSum = tf.grad((t: tf.Tensor) => tf.sum(tf.sum(t, [1, 2])))(x);
            return [mean, variance, bn(x), dx, dw, dMean, dSum];
          });
        },
      ),
      { numRuns: 12, seed: 16 },
    );
  });

  it('the mean over an empty axis of a non-empty batch (a [2, 0] tensor) is 0, not heap garbage', async () => {
    const values = await onBackend('wasm', () =>
      tf.tidy(() => Array.from(tf.mean(tf.zeros([2, 0]), 1).dataSync())),
    );
    expect(values).toEqual([0, 0]);
  });
});
