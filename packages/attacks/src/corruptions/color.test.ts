import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CorruptionUnavailableError } from '../errors';
import { uniformImages } from '../test-helpers';
import { corrupt } from './corrupt';

function run(x: tf.Tensor4D, family: 'brightness' | 'contrast' | 'saturate', severity: number): Float32Array {
  const y = corrupt(x, family, severity);
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

// A few RGB pixels with known HSV: black, grey, white, saturated primaries, pastel, dark mixed.
const PIXELS = [
  [0, 0, 0],
  [0.5, 0.5, 0.5],
  [1, 1, 1],
  [1, 0, 0],
  [0.2, 0.9, 0.4],
  [0.8, 0.7, 0.95],
  [0.1, 0.05, 0.3],
  [0.6, 0.6, 0.2],
];

function pixelImage(): tf.Tensor4D {
  return tf.tensor4d(PIXELS.flat(), [1, 2, 4, 3]);
}

describe('brightness (HSV value + c, c = 0.05, 0.1, 0.15, 0.2, 0.3)', () => {
  it('scales each RGB pixel by min(V + c, 1)/V (hue and saturation kept); black becomes grey c', () => {
    const x = pixelImage();
    [0.05, 0.1, 0.15, 0.2, 0.3].forEach((c, s) => {
      const out = run(x, 'brightness', s + 1);
      PIXELS.forEach((p, i) => {
        const v = Math.max(...p);
        const want = v === 0 ? [c, c, c] : p.map((ch) => (ch * Math.min(v + c, 1)) / v);
        for (let k = 0; k < 3; k++) expect(out[3 * i + k]).toBeCloseTo(want[k], 6);
      });
    });
    x.dispose();
  });

  it('grey images (C = 1) are their own V: min(x + c, 1)', () => {
    const x = tf.tensor4d([0, 0.3, 0.8, 1], [1, 2, 2, 1]);
    expect(Array.from(run(x, 'brightness', 5))).toEqual([0.3, 0.6, 1, 1].map((v) => expect.closeTo(v, 6)));
    x.dispose();
  });
});

describe('contrast ((x − m)·c + m, c = 0.75, 0.5, 0.4, 0.3, 0.15)', () => {
  it('pulls each channel towards its own mean over the image', () => {
    const x = pixelImage();
    const means = [0, 1, 2].map((k) => PIXELS.reduce((a, p) => a + p[k], 0) / PIXELS.length);
    [0.75, 0.5, 0.4, 0.3, 0.15].forEach((c, s) => {
      const out = run(x, 'contrast', s + 1);
      PIXELS.forEach((p, i) => {
        for (let k = 0; k < 3; k++) expect(out[3 * i + k]).toBeCloseTo((p[k] - means[k]) * c + means[k], 6);
      });
    });
    x.dispose();
  });

  it('uses each image of a batch on its own mean (grey images too)', () => {
    const x = tf.tensor4d([0, 1, 0, 1, 0.2, 0.2, 0.2, 0.6], [2, 2, 2, 1]);
    const out = run(x, 'contrast', 2);
    expect(Array.from(out)).toEqual(
      [0.25, 0.75, 0.25, 0.75, 0.25, 0.25, 0.25, 0.45].map((v) => expect.closeTo(v, 6)),
    );
    x.dispose();
  });
});

describe('saturate (S ← clip(S·a + b): (0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2))', () => {
  it('moves each channel along V − (V − x)·S′/S; grey pixels (S = 0) get the red hue of h = 0', () => {
    const x = pixelImage();
    const params = [
      [0.3, 0],
      [0.1, 0],
      [1.5, 0],
      [2, 0.1],
      [2.5, 0.2],
    ];
    params.forEach(([a, b], s) => {
      const out = run(x, 'saturate', s + 1);
      PIXELS.forEach((p, i) => {
        const v = Math.max(...p);
        const sat = v === 0 ? 0 : (v - Math.min(...p)) / v;
        const s2 = Math.min(Math.max(sat * a + b, 0), 1);
        let want: number[];
        if (v === 0) want = [0, 0, 0];
        else if (sat === 0) want = [v, v * (1 - s2), v * (1 - s2)];
        else want = p.map((ch) => v - ((v - ch) * s2) / sat);
        for (let k = 0; k < 3; k++) expect(out[3 * i + k]).toBeCloseTo(Math.min(Math.max(want[k], 0), 1), 6);
      });
    });
    x.dispose();
  });

  it('refuses grey images (C = 1) with a typed error: they have no saturation to scale', () => {
    const start = tf.memory().numTensors;
    const x = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D;
    expect(() => corrupt(x, 'saturate', 3)).toThrow(CorruptionUnavailableError);
    expect(() => corrupt(x, 'saturate', 3)).toThrow(
      expect.objectContaining({ reason: 'grey-images', family: 'saturate' }),
    );
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('colour corruptions keep values in [0, 1]', () => {
  it('on random RGB images at every severity', () => {
    const x = uniformImages([3, 8, 8, 3], 0, 1, 5);
    for (const family of ['brightness', 'contrast', 'saturate'] as const) {
      for (let s = 1; s <= 5; s++) {
        const out = run(x, family, s);
        expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...out)).toBeLessThanOrEqual(1);
      }
    }
    x.dispose();
  });
});
