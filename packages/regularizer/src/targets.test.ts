import { pixelSimilarity, thresholdTargets } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, NonFiniteValueError } from './errors';
import {
  categoricalPairTargets,
  matrixTargets,
  neuralTargets,
  pixelTargets,
  targetsOf,
  thresholdedPixelTargets,
} from './targets';

function randomImages(n: number, seed: number): Uint8Array {
  let s = seed;
  const out = new Uint8Array(n * 4 * 4);
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s % 256;
  }
  return out;
}

describe('target providers', () => {
  const images = randomImages(12, 3);
  const set = { images, shape: [12, 4, 4, 1] };

  it('S^Th (default) thresholds the pixel similarity and selects pairs on the raw similarity', () => {
    const t = thresholdedPixelTargets(set, { th: 0.2, range: 'high' });
    const expected = tf.tidy(() => {
      const raw = pixelSimilarity(tf.tensor4d(Float32Array.from(images), [12, 4, 4, 1]));
      return { th: thresholdTargets(raw, 0.2).dataSync(), raw: raw.dataSync() };
    });
    expect(t.kind).toBe('thresholded-pixel');
    expect(t.n).toBe(12);
    expect(Array.from(t.matrix)).toEqual(Array.from(expected.th));
    let high = 0;
    for (let i = 0; i < 12; i++)
      for (let j = i + 1; j < 12; j++) if (Math.abs(expected.raw[i * 12 + j]) > 0.2) high++;
    expect(t.pairs.length / 2).toBe(high);
    const y = targetsOf(t, t.pairs);
    for (const v of y) expect(Math.abs(v)).toBe(1);
    expect(() => thresholdedPixelTargets(set, {} as { th: number })).toThrow(/th/);
  });

  it('raw pixel, categorical, neural and matrix targets', () => {
    const raw = pixelTargets(set);
    expect(raw.pairs.length / 2).toBe(66);
    expect(raw.matrix[0]).toBeCloseTo(1, 6);
    const cat = categoricalPairTargets([0, 1, 0, 2]);
    expect(Array.from(targetsOf(cat, Int32Array.from([0, 2, 0, 1])))).toEqual([1, 0]);
    const responses = tf.tensor2d([1, 0, 0, 1, 1, 1, 2, 0.5, 0, 3, 3, 1], [4, 3]);
    const neural = neuralTargets(responses);
    const fromArray = neuralTargets({ values: Float32Array.from(responses.dataSync()), shape: [4, 3] });
    expect(Array.from(neural.matrix)).toEqual(Array.from(fromArray.matrix));
    const thresholded = neuralTargets(responses, { threshold: 0.3 });
    for (const v of thresholded.matrix) expect([-1, 0, 1]).toContain(v);
    responses.dispose();
    const m = matrixTargets(Float32Array.from([1, 0.5, 0.5, 1]));
    expect(Array.from(targetsOf(m, m.pairs))).toEqual([0.5]);
    expect(() => matrixTargets(Float32Array.from([1, 2, 2, 1]))).toThrow(NonFiniteValueError);
    expect(() => matrixTargets(Float32Array.from([1, 0.1, 0.1, 1]), { range: 'high', th: 0.5 })).toThrow(
      InvalidOptionError,
    );
  });
});
