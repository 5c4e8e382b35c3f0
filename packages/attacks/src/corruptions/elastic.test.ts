import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed, SeededRandom } from '../random';
import { uniformImages } from '../test-helpers';
import { corrupt } from './corrupt';
import { affineFromPoints, elasticImage, warpAffine } from './elastic';
import { gaussianWeights, reflectSymmetric, separableFilter } from './image-ops';

const SIZE = { h: 6, w: 5, c: 1 };
const ramp = Float32Array.from({ length: 30 }, (_, i) => i / 29);

describe('elastic transform', () => {
  it('affineFromPoints solves the three point pairs (a shear plus a shift, by hand)', () => {
    // (x, y) ↦ (x + 2y + 1, y − 3)
    const from = [
      [0, 0],
      [1, 0],
      [0, 1],
    ] as const;
    const to = from.map(([x, y]) => [x + 2 * y + 1, y - 3] as const);
    const m = affineFromPoints(from, to);
    for (const [i, v] of [1, 2, 1, 0, 1, -3].entries()) expect(m[i]).toBeCloseTo(v, 12);
  });

  it('warpAffine by an integer shift moves pixels, mirroring the border (reflect-101)', () => {
    // dst(x, y) = src(x − 1, y): column −1 mirrors to column 1.
    const out = warpAffine(ramp, SIZE, [1, 0, 1, 0, 1, 0]);
    for (let y = 0; y < 6; y++) {
      expect(Array.from(out.subarray(5 * y, 5 * y + 5))).toEqual(
        [1, 0, 1, 2, 3].map((x) => expect.closeTo(ramp[5 * y + x], 7)),
      );
    }
  });

  it('warpAffine samples the inverse map: swapping x and y transposes a square image', () => {
    const sq = Float32Array.from({ length: 25 }, (_, i) => i / 24);
    const out = warpAffine(sq, { h: 5, w: 5, c: 1 }, [0, 1, 0, 1, 0, 0]);
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 5; x++) expect(out[5 * y + x]).toBeCloseTo(sq[5 * x + y], 7);
    // A shear (x, y) ↦ (x, x + y): dst(x, y) = src(x, y − x), rows above the top mirrored (reflect-101).
    const shear = warpAffine(sq, { h: 5, w: 5, c: 1 }, [1, 0, 0, 1, 1, 0]);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) expect(shear[5 * y + x]).toBeCloseTo(sq[5 * Math.abs(y - x) + x], 7);
    }
    const shearX = warpAffine(sq, { h: 5, w: 5, c: 1 }, [1, 1, 0, 0, 1, 0]);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) expect(shearX[5 * y + x]).toBeCloseTo(sq[5 * y + Math.abs(x - y)], 7);
    }
    // A scaling by 2 about the origin: dst(x, y) = src(x/2, y/2), bilinear between pixels.
    const half = warpAffine(sq, { h: 5, w: 5, c: 1 }, [2, 0, 0, 0, 2, 0]);
    expect(half[5 * 1 + 3]).toBeCloseTo(
      (sq[5 * 0 + 1] + sq[5 * 0 + 2] + sq[5 * 1 + 1] + sq[5 * 1 + 2]) / 4,
      7,
    );
  });

  it('displaces by α·(2u − 1) per pixel, x from the first h·w draws after the 6 of the points, y from the next', () => {
    // σ = 0: no smoothing, so the displacement is the raw draws; ramps read it back exactly (away from borders).
    const size = { h: 6, w: 7, c: 1 };
    const xRamp = Float32Array.from({ length: 42 }, (_, i) => 0.25 + (0.5 * (i % 7)) / 6);
    const yRamp = Float32Array.from({ length: 42 }, (_, i) => 0.25 + (0.5 * Math.floor(i / 7)) / 5);
    const draws = new SeededRandom(5);
    for (let k = 0; k < 6; k++) draws.uniform();
    const dx = Array.from({ length: 42 }, () => 0.8 * (2 * draws.uniform() - 1));
    const dy = Array.from({ length: 42 }, () => 0.8 * (2 * draws.uniform() - 1));
    const outX = new Float32Array(42);
    const outY = new Float32Array(42);
    elasticImage(xRamp, outX, size, [0.8, 0, 0], new SeededRandom(5));
    elasticImage(yRamp, outY, size, [0.8, 0, 0], new SeededRandom(5));
    for (let y = 1; y < 5; y++) {
      for (let x = 1; x < 6; x++) {
        const p = 7 * y + x;
        expect(outX[p]).toBeCloseTo(0.25 + (0.5 * (x + dx[p])) / 6, 6);
        expect(outY[p]).toBeCloseTo(0.25 + (0.5 * (y + dy[p])) / 5, 6);
      }
    }
  });

  it('smooths the fields with a normalised Gaussian and mirrored borders (SciPy reflect), by hand at a corner', () => {
    // An impulse at (0, 0) with 3 taps [a, b, a]: index −1 mirrors onto 0, so out(0, 0) = (a + b)².
    const w = gaussianWeights(0.8, 1);
    const plane = new Float64Array(16);
    plane[0] = 1;
    const out = separableFilter(plane, 4, 4, w, reflectSymmetric);
    expect(out[0]).toBeCloseTo((w[0] + w[1]) ** 2, 14);
    expect(out[1]).toBeCloseTo((w[0] + w[1]) * w[2], 14);
    expect(out[5]).toBeCloseTo(w[2] * w[2], 14);
    expect(w[0] + w[1] + w[2]).toBeCloseTo(1, 14);
    expect(w[0] / w[1]).toBeCloseTo(Math.exp(-1 / (2 * 0.8 * 0.8)), 14);
  });

  it('with no jitter and no displacement it is the identity', () => {
    const dst = new Float32Array(30);
    elasticImage(ramp, dst, SIZE, [0, 0, 0], new SeededRandom(1));
    expect(Array.from(dst)).toEqual(Array.from(ramp).map((v) => expect.closeTo(v, 6)));
  });

  it('severity 1 (α = σ = 0) is the affine warp alone, jittered by U(−2.56, 2.56) px from the image stream', () => {
    const img = uniformImages([2, 32, 32, 3], 0, 1, 3);
    const values = img.dataSync() as Float32Array;
    const y = corrupt(img, 'elastic-transform', 1, { seed: 9, indexOffset: 4 });
    const out = y.dataSync();
    const d = 32 * 32 * 3;
    for (const i of [0, 1]) {
      const dst = new Float32Array(d);
      // Image i draws from the stream (seed, indexOffset + i); 0.08·32 = 2.56.
      elasticImage(
        values.subarray(i * d, (i + 1) * d),
        dst,
        { h: 32, w: 32, c: 3 },
        [0, 0, 2.56],
        new SeededRandom(deriveSeed(9, 4 + i)),
      );
      for (let k = 0; k < d; k += 31) expect(out[i * d + k]).toBeCloseTo(dst[k], 6);
    }
    tf.dispose([img, y]);
  });

  it('keeps a constant image constant and stays in [0, 1] at every severity', () => {
    const start = tf.memory().numTensors;
    const flat = tf.fill([2, 32, 32, 3], 0.7) as tf.Tensor4D;
    const rand = uniformImages([2, 32, 32, 3], 0, 1, 4);
    for (let s = 1; s <= 5; s++) {
      const a = corrupt(flat, 'elastic-transform', s, { seed: s });
      expect(Math.max(...a.dataSync().map((v) => Math.abs(v - 0.7)))).toBeLessThan(1e-6);
      const b = corrupt(rand, 'elastic-transform', s, { seed: s });
      const out = b.dataSync();
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out)).toBeLessThanOrEqual(1);
      tf.dispose([a, b]);
    }
    tf.dispose([flat, rand]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('moves pixels by about the published amounts: more at higher severity on a smooth image', () => {
    // A smooth ramp, so the change is ≈ |gradient|·|shift|: jitter 2.56 px (s1) … displacement up to 3.2 px.
    const v = new Float32Array(32 * 32);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) v[y * 32 + x] = (x + y) / 62;
    const img = tf.tensor4d(v, [1, 32, 32, 1]);
    for (let s = 1; s <= 5; s++) {
      const out = corrupt(img, 'elastic-transform', s, { seed: 11 });
      const d = out.dataSync();
      let change = 0;
      for (let i = 0; i < d.length; i++) change = Math.max(change, Math.abs(d[i] - v[i]));
      out.dispose();
      expect(change).toBeGreaterThan(0);
      // Largest possible move: 3 points each by ≤ 32·affine per axis, plus α·(a smoothed field in [−1, 1]).
      expect(change).toBeLessThan(
        (2 * (32 * [0.08, 0.07, 0.06, 0.05, 0.03][s - 1] * 4 + 32 * [0, 0.05, 0.08, 0.1, 0.1][s - 1])) / 62 +
          1e-6,
      );
    }
    img.dispose();
  });
});
