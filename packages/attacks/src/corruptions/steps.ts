import type * as tf from '@tensorflow/tfjs-core';
import type { TensorValues } from '@pixsim/core';

/**
 * A {@link TensorReads}-like computation that may also wait for a JPEG codec: it yields tensors to read
 * and promises of pixels. A `TensorReads` composes into it with `yield*`.
 */
export type Steps<T> = Generator<tf.Tensor | Promise<Float32Array>, T, TensorValues>;

function isPromise(x: unknown): x is Promise<Float32Array> {
  return typeof (x as Promise<unknown>)?.then === 'function';
}

/** Runs `steps` with `dataSync()` reads; the computation must not wait for a promise (checked by its caller). */
export function runStepsSync<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) {
    let values: TensorValues;
    try {
      const v = step.value;
      if (isPromise(v)) throw new TypeError('runStepsSync: a synchronous run cannot wait for a promise.');
      values = v.dataSync() as TensorValues;
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(values);
  }
  return step.value;
}

/** Runs `steps` with `await data()` reads, awaiting the promises it yields. */
export async function runStepsAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    let values: TensorValues;
    try {
      const v = step.value;
      values = isPromise(v) ? await v : ((await v.data()) as TensorValues);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(values);
  }
  return step.value;
}
