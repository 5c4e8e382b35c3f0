import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomMatrix, refSimilarity } from './__fixtures__/reference';
import { InvalidRankError } from './errors';
import { pixelSimilarity } from './pixel-similarity';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe('pixelSimilarity (S^pixel)', () => {
  it('averages colour to grey, then compares centred flattened images', () => {
    const [n, h, w, c] = [12, 5, 4, 3];
    const values = randomMatrix(n, h * w * c, 11, 0, 1);
    const grey = new Float32Array(n * h * w);
    for (let p = 0; p < n * h * w; p++) grey[p] = (values[3 * p] + values[3 * p + 1] + values[3 * p + 2]) / 3;
    const images = tf.tensor4d(values, [n, h, w, c]);
    const s = pixelSimilarity(images);
    expect(maxAbsDiff(s.dataSync(), refSimilarity(grey, n, h * w))).toBeLessThanOrEqual(1e-5);

    const keep = pixelSimilarity(images, { grey: false });
    expect(maxAbsDiff(keep.dataSync(), refSimilarity(values, n, h * w * c))).toBeLessThanOrEqual(1e-5);
    tf.dispose([images, s, keep]);
  });

  it('is invariant to the value range (uint8 pixels vs [0, 1] floats) and accepts [N, H, W]', () => {
    const n = 9;
    const bytes = Int32Array.from(randomMatrix(n, 36, 5, 0, 255), (v) => Math.floor(v));
    const asInt = tf.tensor3d(bytes, [n, 6, 6], 'int32');
    const asUnit = tf.tensor4d(
      Float32Array.from(bytes, (v) => v / 255),
      [n, 6, 6, 1],
    );
    const a = pixelSimilarity(asInt);
    const b = pixelSimilarity(asUnit);
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([asInt, asUnit, a, b]);
  });

  it('rejects a single image without a batch axis', () => {
    const img = tf.zeros([4, 4]);
    expect(() => pixelSimilarity(img as unknown as tf.Tensor3D)).toThrow(InvalidRankError);
    expect(() => pixelSimilarity(img as unknown as tf.Tensor3D)).toThrow(/expandDims/);
    img.dispose();
  });
});
