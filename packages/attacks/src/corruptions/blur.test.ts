import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { addClippedZoom, defocusKernel, motionBlurKernel } from './blur';
import { corrupt } from './corrupt';

/** `[1, n, n, 1]` zeros with a 1 in the centre pixel. */
function impulse(n: number): tf.Tensor4D {
  const v = new Float32Array(n * n);
  v[((n - 1) / 2) * n + (n - 1) / 2] = 1;
  return tf.tensor4d(v, [1, n, n, 1]);
}

/** The 3-tap Gaussian of OpenCV's 3×3 `GaussianBlur`: `[e, 1, e]/(1 + 2e)`, `e = exp(−1/2σ²)`. */
function g3(sigma: number): [number, number, number] {
  const e = Math.exp(-1 / (2 * sigma * sigma));
  return [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)];
}

describe('defocus blur', () => {
  it('radius 0.3, 0.4, 0.5 (severities 1–3): the disk is one pixel, so the kernel is the 3×3 Gaussian g⊗g', () => {
    for (const [radius, alias] of [
      [0.3, 0.4],
      [0.4, 0.5],
      [0.5, 0.6],
    ]) {
      const k = defocusKernel(radius, alias);
      const g = g3(alias);
      expect([k.kh, k.kw, k.cy, k.cx]).toEqual([3, 3, 1, 1]);
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++) expect(k.weights[y * 3 + x]).toBeCloseTo(g[y] * g[x], 12);
    }
  });

  it('radius 1 (severity 4): the plus of 5 pixels, each 1/5, blurred with σ = 0.2', () => {
    const k = defocusKernel(1, 0.2);
    const [g1, g0] = g3(0.2);
    expect([k.kh, k.kw]).toEqual([5, 5]);
    // Centre: its own 1/5 times g0², plus the four arms times g0·g1.
    expect(k.weights[2 * 5 + 2]).toBeCloseTo((g0 * g0 + 4 * g0 * g1) / 5, 12);
    // The corner (0, 0) is 2 rows or 2 columns from every disk pixel, out of the 3×3 blur's reach: 0.
    // (0, 2), above the top arm, gets that arm's 1/5 times g1 (vertical) · g0 (horizontal).
    expect(k.weights[0]).toBe(0);
    expect(k.weights[2]).toBeCloseTo((g1 * g0) / 5, 12);
    expect(k.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('radius 1.5 (severity 5): the 3×3 block of 1/9, blurred: centre 1/9, corners g1²/9', () => {
    const k = defocusKernel(1.5, 0.1);
    const [g1] = g3(0.1);
    expect([k.kh, k.kw]).toEqual([5, 5]);
    expect(k.weights[12]).toBeCloseTo(1 / 9, 12);
    expect(k.weights[0]).toBeCloseTo((g1 * g1) / 9, 15);
    expect(k.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('an impulse image becomes the kernel (sum 1) at every severity', () => {
    const start = tf.memory().numTensors;
    const x = impulse(9);
    const params = [
      [0.3, 0.4],
      [0.4, 0.5],
      [0.5, 0.6],
      [1, 0.2],
      [1.5, 0.1],
    ];
    for (let s = 1; s <= 5; s++) {
      const y = corrupt(x, 'defocus-blur', s);
      const out = y.dataSync();
      y.dispose();
      const k = defocusKernel(params[s - 1][0], params[s - 1][1]);
      expect(Array.from(out).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      for (let i = 0; i < k.kh; i++) {
        for (let j = 0; j < k.kw; j++) {
          expect(out[(4 + i - k.cy) * 9 + 4 + j - k.cx]).toBeCloseTo(k.weights[i * k.kw + j], 6);
        }
      }
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('motion blur', () => {
  it('ImageMagick kernel: 2⌈r⌉ + 1 taps along the angle, one-sided Gaussian weights', () => {
    const k = motionBlurKernel(6, 2, 0);
    expect(Array.from(k.dx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(k.dy)).toEqual(new Array(13).fill(0));
    const raw = Array.from({ length: 13 }, (_, i) => Math.exp(-(i * i) / 8));
    const sum = raw.reduce((a, b) => a + b, 0);
    for (const [i, v] of raw.entries()) expect(k.weights[i]).toBeCloseTo(v / sum, 14);
    // 45°: both offsets ⌈i/√2 − ½⌉; 90°: straight down.
    expect(Array.from(motionBlurKernel(9, 2.5, 45).dx)).toEqual([
      0, 1, 1, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13,
    ]);
    expect(Array.from(motionBlurKernel(8, 2, 90).dx)).toEqual(new Array(17).fill(0));
    expect(Array.from(motionBlurKernel(8, 2, 90).dy)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });

  it('an impulse spreads along a ray within ±45° of the x axis, weights summing to 1', () => {
    const x = impulse(41);
    for (let s = 1; s <= 5; s++) {
      for (const seed of [1, 2, 3]) {
        const y = corrupt(x, 'motion-blur', s, { seed });
        const out = y.dataSync();
        y.dispose();
        expect(Array.from(out).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        // out(p) = Σ wᵢ·x(p + oᵢ): the impulse at c shows at c − oᵢ, i.e. to the left (dx ≤ 0), |dy| ≤ |dx|.
        for (let i = 0; i < out.length; i++) {
          if (out[i] === 0) continue;
          const dy = Math.floor(i / 41) - 20;
          const dx = (i % 41) - 20;
          expect(dx).toBeLessThanOrEqual(0);
          expect(Math.abs(dy)).toBeLessThanOrEqual(Math.abs(dx) + 1);
        }
        // The impulse's own pixel keeps the largest weight, 1/Σ exp(−i²/2σ²).
        const sigma = [1, 1.5, 2, 2, 2.5][s - 1];
        const width = 2 * [6, 6, 6, 8, 9][s - 1] + 1;
        let z = 0;
        for (let i = 0; i < width; i++) z += Math.exp(-(i * i) / (2 * sigma * sigma));
        expect(out[20 * 41 + 20]).toBeCloseTo(1 / z, 6);
      }
    }
    x.dispose();
  });
});

describe('zoom blur', () => {
  it('clipped zoom by 2 of a 4×4 ramp: the central 2×2 crop stretched with aligned corners', () => {
    // img(y, x) = x: the crop holds columns 1 and 2; 4 outputs sample 1 + o/3.
    const img = Float32Array.from({ length: 16 }, (_, i) => i % 4);
    const acc = new Float64Array(16);
    addClippedZoom(img, acc, { h: 4, w: 4, c: 1 }, 2);
    for (let y = 0; y < 4; y++) {
      expect(Array.from(acc.subarray(4 * y, 4 * y + 4))).toEqual(
        [1, 4 / 3, 5 / 3, 2].map((v) => expect.closeTo(v, 12)),
      );
    }
  });

  it('clipped zoom by 1.5 of a 5-wide ramp: crop ⌈5/1.5⌉ = 4 from 0, zoomed to 6, trimmed by 0', () => {
    const img = Float32Array.from({ length: 25 }, (_, i) => i % 5);
    const acc = new Float64Array(25);
    addClippedZoom(img, acc, { h: 5, w: 5, c: 1 }, 1.5);
    expect(Array.from(acc.subarray(0, 5))).toEqual([0, 0.6, 1.2, 1.8, 2.4].map((v) => expect.closeTo(v, 12)));
  });

  it('severity s averages the image with its clipped zooms by 1, 1.01, … (7, 12, 16, 21, 26 factors)', () => {
    const size = { h: 32, w: 32, c: 3 };
    const img = Float32Array.from({ length: 32 * 32 * 3 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const x = tf.tensor4d(img, [1, 32, 32, 3]);
    [7, 12, 16, 21, 26].forEach((count, s) => {
      const acc = new Float64Array(img.length);
      for (let k = 0; k < count; k++) addClippedZoom(img, acc, size, 1 + k / 100);
      const y = corrupt(x, 'zoom-blur', s + 1);
      const out = y.dataSync();
      y.dispose();
      for (let i = 0; i < img.length; i += 97) expect(out[i]).toBeCloseTo((img[i] + acc[i]) / (count + 1), 6);
    });
    x.dispose();
  });
});
