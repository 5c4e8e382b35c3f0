import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@pixsim/core';
import { loadWasm, onBackend } from '../testing/wasm';
import { wasmTrainingKernels } from './register';

type Backend = { numDataIds(): number; refCount(dataId: object): number };

/** One call of every kernel this package registers, on inputs that take its fast path. */
const calls: Record<string, { inputs: Record<string, number[]>; attrs: tf.NamedAttrMap }> = {
  Conv2DBackpropFilter: {
    inputs: { x: [2, 7, 7, 3], dy: [2, 4, 4, 4] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
  },
  Conv2DBackpropInput: {
    inputs: { dy: [2, 4, 4, 4], filter: [3, 3, 3, 4] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 7, 7, 3] },
  },
  Tile: { inputs: { x: [1, 1, 1, 3] }, attrs: { reps: [2, 3, 3, 1] } },
  Slice: { inputs: { x: [2, 5, 5, 3] }, attrs: { begin: [0, 1, 1, 0], size: [2, 3, 3, 3] } },
  Sum: { inputs: { x: [2, 3, 3, 4] }, attrs: { axis: [0, 1, 2], keepDims: false } },
  Mean: { inputs: { x: [2, 3, 3, 4] }, attrs: { axis: [1, 2], keepDims: true } },
  Identity: { inputs: { x: [2, 3] }, attrs: {} },
  Cast: { inputs: { x: [2, 3] }, attrs: { dtype: 'float32' } },
  Multiply: { inputs: { a: [2, 3, 3, 4], b: [4] }, attrs: {} },
  Add: { inputs: { a: [4], b: [2, 3, 3, 4] }, attrs: {} },
  Sub: { inputs: { a: [2, 3, 3, 4], b: [1, 1, 1, 4] }, attrs: {} },
  FusedBatchNorm: {
    inputs: { x: [2, 3, 3, 4], mean: [4], variance: [4], offset: [4], scale: [4] },
    attrs: { varianceEpsilon: 1e-3 },
  },
};

describe('every wasm training kernel leaves its inputs alone', () => {
  beforeAll(loadWasm);

  it('covers every registered kernel', () => {
    expect(Object.keys(calls).sort()).toEqual(wasmTrainingKernels.map((k) => k.kernelName).sort());
  });

  it.each(Object.keys(calls))(
    '%s: inputs keep data and reference counts; no buffer is left behind',
    async (name) => {
      await onBackend('wasm', () => {
        const backend = tf.engine().backend as unknown as Backend;
        const rand = mulberry32(5);
        const inputs = Object.fromEntries(
          Object.entries(calls[name].inputs).map(([key, shape]) => [
            key,
            tf.tensor(
              Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.5 + rand()),
              shape,
            ),
          ]),
        );
        const tensors = Object.values(inputs);
        const before = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds() };
        const refs = tensors.map((t) => backend.refCount(t.dataId));
        const copies = tensors.map((t) => Float32Array.from(t.dataSync()));
        for (let i = 0; i < 3; i++) {
          const out = tf.engine().runKernel(name, inputs, calls[name].attrs) as tf.Tensor;
          out.dataSync();
          out.dispose();
        }
        expect(tensors.map((t) => backend.refCount(t.dataId))).toEqual(refs);
        for (const [i, t] of tensors.entries()) expect(t.dataSync()).toEqual(copies[i]);
        expect(tf.memory().numTensors).toBe(before.tensors);
        expect(backend.numDataIds()).toBe(before.dataIds);
        tf.dispose(tensors);
      });
    },
  );
});
