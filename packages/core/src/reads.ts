import type * as tf from '@tensorflow/tfjs-core';

/** The values of a numeric tensor, as `dataSync()` and `await data()` return them. */
export type TensorValues = Float32Array | Int32Array | Uint8Array;

/**
 * A computation that reads tensor values, written once for both kinds of read: a generator that `yield`s
 * each tensor whose values it needs and is resumed with them. {@link runReadsSync} answers with
 * `dataSync()`, {@link runReadsAsync} with `await data()` (the only read the `webgpu` engine has in Node).
 * The generator owns what it allocates and frees it in `try`/`finally`, which both drivers run also when a
 * read throws (the error is thrown into the generator at its `yield`). Compose them with `yield*`.
 *
 * @example
 * ```ts
 * function* sumOf(x: tf.Tensor): TensorReads<number> {
 *   const s = tf.sum(x);
 *   try {
 *     return (yield s)[0];
 *   } finally {
 *     s.dispose();
 *   }
 * }
 * runReadsSync(sumOf(x)); // dataSync()
 * await runReadsAsync(sumOf(x)); // await data()
 * ```
 */
export type TensorReads<T> = Generator<tf.Tensor, T, TensorValues>;

/**
 * Runs a {@link TensorReads} computation, reading every tensor it yields with `dataSync()`. Throws what the
 * computation (or a read) throws, after the computation's `finally` blocks ran.
 */
export function runReadsSync<T>(reads: TensorReads<T>): T {
  let step = reads.next();
  while (!step.done) {
    let values: TensorValues;
    try {
      values = step.value.dataSync() as TensorValues;
    } catch (error) {
      step = reads.throw(error);
      continue;
    }
    step = reads.next(values);
  }
  return step.value;
}

/**
 * Runs a {@link TensorReads} computation, reading every tensor it yields with `await data()`: the read that
 * every engine has, the `webgpu` engine in Node included. Same results and errors as {@link runReadsSync}.
 */
export async function runReadsAsync<T>(reads: TensorReads<T>): Promise<T> {
  let step = reads.next();
  while (!step.done) {
    let values: TensorValues;
    try {
      values = (await step.value.data()) as TensorValues;
    } catch (error) {
      step = reads.throw(error);
      continue;
    }
    step = reads.next(values);
  }
  return step.value;
}
