import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonFiniteValueError, ZeroVarianceError } from './errors';
import { atanhSquaredLossReads } from './losses';
import { selectPairsReads } from './pairs';
import { pixelSimilarityReads } from './pixel-similarity';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/core';
import { thresholdTargetsReads } from './targets';

/** The synchronous read of a tensor, as tfjs-core defines it (restored after each test). */
const dataSync = tf.Tensor.prototype.dataSync;

class SyncReadRefused extends Error {}

/** Makes `dataSync()` (and so `arraySync()`) throw, as on the webgpu engine in Node. */
function refuseSyncReads(): void {
  tf.Tensor.prototype.dataSync = () => {
    throw new SyncReadRefused('no synchronous reads on this engine');
  };
}

function images(): tf.Tensor4D {
  const values = Float32Array.from({ length: 6 * 4 * 4 }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5);
  return tf.tensor4d(values, [6, 4, 4, 1]);
}

/** S^Th and its pairs, the way @pixsim/regularizer composes them. */
function* targetsOf(x: tf.Tensor4D): TensorReads<{ matrix: Float32Array; pairs: Int32Array }> {
  const s = yield* pixelSimilarityReads(x);
  try {
    const t = yield* thresholdTargetsReads(s, 0.2);
    try {
      const matrix = Float32Array.from(yield t);
      const pairs = yield* selectPairsReads(s, { range: 'high', th: 0.2 });
      return { matrix, pairs };
    } finally {
      t.dispose();
    }
  } finally {
    s.dispose();
  }
}

describe('TensorReads: one computation, synchronous and asynchronous reads', () => {
  let start: number;
  beforeEach(() => {
    start = tf.memory().numTensors;
  });
  afterEach(() => {
    tf.Tensor.prototype.dataSync = dataSync;
  });

  it('gives the same targets with dataSync() and with await data(), also when dataSync() is refused', async () => {
    const x = images();
    const sync = runReadsSync(targetsOf(x));
    const async = await runReadsAsync(targetsOf(x));
    refuseSyncReads();
    const refused = await runReadsAsync(targetsOf(x));
    expect(() => runReadsSync(targetsOf(x))).toThrow(SyncReadRefused);
    tf.Tensor.prototype.dataSync = dataSync;
    x.dispose();
    expect(sync.pairs.length).toBeGreaterThan(0);
    expect(async).toEqual(sync);
    expect(refused).toEqual(sync);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('frees what the computation allocated when a read fails (the error is thrown into the generator)', async () => {
    const x = images();
    let failOn = 0;
    const data = tf.Tensor.prototype.data;
    for (const n of [1, 2, 3]) {
      failOn = n;
      let reads = 0;
      tf.Tensor.prototype.data = async function (this: tf.Tensor) {
        reads += 1;
        if (reads === failOn) throw new SyncReadRefused(`read ${reads} failed`);
        return data.call(this);
      } as typeof data;
      try {
        await expect(runReadsAsync(targetsOf(x))).rejects.toThrow(`read ${n} failed`);
      } finally {
        tf.Tensor.prototype.data = data;
      }
      expect(tf.memory().numTensors).toBe(start + 1);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('throws the typed errors of the synchronous functions, leaving no tensor behind', async () => {
    const flat = tf.zeros([3, 2, 2, 1]) as tf.Tensor4D;
    await expect(runReadsAsync(pixelSimilarityReads(flat))).rejects.toThrow(ZeroVarianceError);
    const nan = tf.tensor1d([0.5, Number.NaN]);
    const target = tf.tensor1d([0.5, 0.5]);
    await expect(runReadsAsync(atanhSquaredLossReads(nan, target))).rejects.toThrow(NonFiniteValueError);
    // checkRange: false skips the read: the loss is NaN, for a caller that checks it itself.
    refuseSyncReads();
    const loss = runReadsSync(atanhSquaredLossReads(nan, target, { checkRange: false }));
    tf.Tensor.prototype.dataSync = dataSync;
    expect(Number.isNaN((await loss.data())[0])).toBe(true);
    tf.dispose([flat, nan, target, loss]);
    expect(tf.memory().numTensors).toBe(start);
  });
});
