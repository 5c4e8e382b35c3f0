/**
 * The corruptions where only `await data()` reads: the cpu engine of `registerAsyncOnlyBackend`
 * (@pixsim/backend) refuses dataSync() as the webgpu engine does in Node. The numbers must equal cpu's.
 */
import '@tensorflow/tfjs-backend-cpu';
import { registerAsyncOnlyBackend, SyncReadUnsupportedError } from '@pixsim/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../classifier';
import { linearModel, uniformImages } from '../test-helpers';
import { corrupt, corruptAsync } from './corrupt';
import { evaluateCorruptions, evaluateCorruptionsAsync } from './evaluate';
import type { JpegCodec } from './jpeg';

const ASYNC_ONLY = registerAsyncOnlyBackend();
const identityJpeg: JpegCodec = async (image) => image.data;

describe('corruptions where only await data() reads', () => {
  let previous: string;
  beforeAll(() => {
    previous = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  async function run(asynchronous: boolean) {
    const model = linearModel(5 * 5 * 3, 3, 4, 2);
    const clf = createClassifier(model.logits, { numClasses: 3 });
    const images = uniformImages([6, 5, 5, 3], 0, 1, 2);
    const labels = [0, 1, 2, 0, 1, 2];
    const options = { seed: 3, severities: [1, 4], batchSize: 4 };
    try {
      const shot = asynchronous
        ? await corruptAsync(images, 'shot-noise', 2, { seed: 1 })
        : corrupt(images, 'shot-noise', 2, { seed: 1 });
      const values = Array.from(await shot.data());
      shot.dispose();
      const result = asynchronous
        ? await evaluateCorruptionsAsync(clf, { images, labels }, options)
        : evaluateCorruptions(clf, { images, labels }, options);
      return { values, result };
    } finally {
      images.dispose();
    }
  }

  it('corruptAsync and evaluateCorruptionsAsync give cpu’s numbers; the synchronous forms throw', async () => {
    await tf.setBackend('cpu');
    const onCpu = await run(false);
    await tf.setBackend(ASYNC_ONLY);
    const start = tf.memory().numTensors;
    expect(await run(true)).toEqual(onCpu);
    await expect(run(false)).rejects.toBeInstanceOf(SyncReadUnsupportedError);
    const x = tf.fill([1, 4, 4, 3], 0.5) as tf.Tensor4D;
    const y = await corruptAsync(x, 'jpeg-compression', 1, { jpeg: identityJpeg });
    expect(Array.from(await y.data())).toEqual(
      new Array(48).fill(128 / 255).map((v) => expect.closeTo(v, 7)),
    );
    tf.dispose([x, y]);
    // linearModel keeps its two weight tensors per call.
    expect(tf.memory().numTensors).toBe(start + 4);
  });
});
