import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReadsAsync, runReadsSync, type TensorReads } from './reads';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Sums two reads, disposing what it allocated in `finally`, also when a read throws. */
function* sumOfTwo(a: tf.Tensor, b: tf.Tensor, log: string[]): TensorReads<number> {
  const sa = tf.sum(a);
  const sb = tf.sum(b);
  try {
    const x = (yield sa)[0];
    const y = (yield sb)[0];
    return x + y;
  } finally {
    sa.dispose();
    sb.dispose();
    log.push('finally');
  }
}

describe('TensorReads drivers', () => {
  it('answer each yield with the values and return the result, sync and async alike', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([10, 20]);
    const start = tf.memory().numTensors;
    const log: string[] = [];
    expect(runReadsSync(sumOfTwo(a, b, log))).toBe(36);
    expect(await runReadsAsync(sumOfTwo(a, b, log))).toBe(36);
    expect(log).toEqual(['finally', 'finally']);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([a, b]);
  });

  it('throw a failed read into the computation, whose finally runs before the error reaches the caller', async () => {
    const a = tf.tensor1d([1]);
    const disposed = tf.tensor1d([2]);
    disposed.dispose();
    const start = tf.memory().numTensors;
    const log: string[] = [];
    function* readsDisposed(): TensorReads<number> {
      try {
        return (yield disposed)[0];
      } finally {
        log.push('finally');
      }
    }
    expect(() => runReadsSync(readsDisposed())).toThrow(/disposed/);
    await expect(runReadsAsync(readsDisposed())).rejects.toThrow(/disposed/);
    expect(log).toEqual(['finally', 'finally']);
    expect(tf.memory().numTensors).toBe(start);
    a.dispose();
  });
});
