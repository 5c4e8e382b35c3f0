import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  registerWasmTrainingKernels,
  WasmBackendNotLoadedError,
  wasmTrainingKernelsRegistered,
} from '.';

describe('@pixsim/backend/wasm-training side-effect module', () => {
  it('explicit registration before the wasm backend is loaded fails with a typed error naming the fix', () => {
    expect(tf.getKernel('Conv2D', 'wasm')).toBeUndefined(); // this test file runs in its own process
    expect(() => registerWasmTrainingKernels()).toThrow(WasmBackendNotLoadedError);
    expect(() => registerWasmTrainingKernels()).toThrow(/import '@tensorflow\/tfjs-backend-wasm'/);
    try {
      registerWasmTrainingKernels();
    } catch (error) {
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).code).toBe('WASM_BACKEND_NOT_LOADED');
    }
  });

  it('importing it loads the wasm backend and registers every training kernel, so wasm can train', async () => {
    await import('@pixsim/backend/wasm-training');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(registerWasmTrainingKernels()).toContain('Conv2DBackpropFilter'); // idempotent
    await tf.setBackend('wasm');
    const [dx, df] = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')),
    )([tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 2, 1])]);
    // 'same' with stride 2 on 4×4 pads one row/column after: tap (i, j) sees rows(i)·cols(j) ones, with
    // rows = cols = [2, 2, 1] (the last tap of the second window falls on the padding).
    const counts = [2, 2, 1];
    const expected = counts.flatMap((r) => counts.flatMap((c) => [r * c, r * c]));
    expect(Array.from(df.dataSync())).toEqual(expected);
    expect(dx.shape).toEqual([1, 4, 4, 2]);
    await tf.setBackend('cpu');
  });
});
