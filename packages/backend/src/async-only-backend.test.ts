import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASYNC_ONLY_BACKEND, registerAsyncOnlyBackend } from './async-only-backend';
import { BackendError, InvalidOptionError, SyncReadUnsupportedError } from './errors';

describe('registerAsyncOnlyBackend: the cpu engine without synchronous reads (a stand-in for webgpu in Node)', () => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    expect(registerAsyncOnlyBackend()).toBe(ASYNC_ONLY_BACKEND);
    expect(registerAsyncOnlyBackend()).toBe(ASYNC_ONLY_BACKEND); // idempotent
    expect(await tf.setBackend(ASYNC_ONLY_BACKEND)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('refuses dataSync()/arraySync() with SyncReadUnsupportedError, reads with await data()', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.matMul(x, x);
    expect(() => y.dataSync()).toThrow(SyncReadUnsupportedError);
    expect(() => y.arraySync()).toThrow(SyncReadUnsupportedError);
    expect(Array.from(await y.data())).toEqual([7, 10, 15, 22]);
    tf.dispose([x, y]);
  });

  it('runs kernels that read their inputs synchronously inside (gather and its gradient)', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, [0, 2, 2]), tf.relu(v))))(x);
    expect(Array.from(await g.data())).toEqual([2, 0, 6]);
    tf.dispose([x, g]);
  });

  it('refuses bad names with a typed error', () => {
    expect(() => registerAsyncOnlyBackend('')).toThrow(InvalidOptionError);
    expect(() => registerAsyncOnlyBackend('cpu')).toThrow(InvalidOptionError);
    // A name another backend holds (its factory is never called).
    tf.registerBackend('taken-by-test', () => tf.findBackend('cpu') as tf.KernelBackend);
    let caught: unknown;
    try {
      registerAsyncOnlyBackend('taken-by-test');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect(BackendError.is(caught)).toBe(true);
    tf.removeBackend('taken-by-test');
  });
});
