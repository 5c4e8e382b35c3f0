import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidEpsilonError, InvalidOptionError, OutOfBoundsError, ShapeMismatchError } from './errors';
import { gaussianNoise, saltAndPepperNoise, uniformNoise } from './noise';

function diff(noisy: tf.Tensor, clean: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.sub(noisy, clean).dataSync() as Float32Array);
}

function moments(x: Float32Array) {
  let s = 0;
  let s2 = 0;
  for (const v of x) {
    s += v;
    s2 += v * v;
  }
  const mean = s / x.length;
  return { mean, variance: s2 / x.length - mean * mean };
}

describe('noise attacks', () => {
  const shape: [number, number, number, number] = [4, 16, 16, 3];
  const count = 4 * 16 * 16 * 3;

  it('Gaussian noise has mean 0 and variance ε² (unclamped), within sampling error', () => {
    const start = tf.memory().numTensors;
    const x = tf.fill(shape, 0.5) as tf.Tensor4D;
    for (const eps of [0.05, 0.1]) {
      const noisy = gaussianNoise(x, eps, { seed: 3, clamp: 'none' });
      const m = moments(diff(noisy, x));
      expect(Math.abs(m.mean)).toBeLessThan((5 * eps) / Math.sqrt(count));
      // Relative SE of a sample variance is √(2/n) ≈ 1.3 %; allow 5 SE.
      expect(Math.abs(m.variance / (eps * eps) - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
      noisy.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('uniform noise lies in [−ε, ε] with variance ε²/3', () => {
    const x = tf.fill(shape, 0.5) as tf.Tensor4D;
    const eps = 0.08;
    const noisy = uniformNoise(x, eps, { seed: 5, clamp: 'none' });
    const d = diff(noisy, x);
    const m = moments(d);
    expect(Math.max(...d)).toBeLessThanOrEqual(eps + 1e-6);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(-eps - 1e-6);
    expect(Math.abs(m.mean)).toBeLessThan((5 * eps) / Math.sqrt(3 * count));
    // Var of U(−ε,ε)² is 4ε⁴/45; relative SE of the variance ≈ √(0.8/n).
    expect(Math.abs(m.variance / ((eps * eps) / 3) - 1)).toBeLessThan(5 * Math.sqrt(0.8 / count));
    tf.dispose([x, noisy]);
  });

  it('salt-and-pepper flips a fraction ε of pixels by ±1 with balanced signs', () => {
    const x = tf.fill(shape, 0.5) as tf.Tensor4D;
    for (const eps of [0.05, 0.3]) {
      const noisy = saltAndPepperNoise(x, eps, { seed: 11, clamp: 'none' });
      const d = diff(noisy, x);
      let flipped = 0;
      let up = 0;
      for (const v of d) {
        if (v !== 0) {
          flipped++;
          expect(Math.abs(Math.abs(v) - 1)).toBeLessThan(1e-6);
          if (v > 0) up++;
        }
      }
      const frac = flipped / count;
      expect(Math.abs(frac - eps)).toBeLessThan(5 * Math.sqrt((eps * (1 - eps)) / count));
      expect(Math.abs(up / flipped - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / flipped));
      noisy.dispose();
    }
    x.dispose();
  });

  it("clamps each noisy image to its own clean min/max by default, or to the bounds with 'bounds'", () => {
    const start = tf.memory().numTensors;
    // Image 0 spans [0.2, 0.8], image 1 spans [0.4, 0.6].
    const x = tf.tidy(() => {
      const base = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
      return tf.add(
        tf.mul(base, tf.tensor4d([0.6, 0.2], [2, 1, 1, 1])),
        tf.tensor4d([0.2, 0.4], [2, 1, 1, 1]),
      );
    }) as tf.Tensor4D;
    const lo = tf.tidy(() => tf.min(x, [1, 2, 3]).dataSync());
    const hi = tf.tidy(() => tf.max(x, [1, 2, 3]).dataSync());
    const sp = saltAndPepperNoise(x, 0.2, { seed: 1 });
    const vals = sp.dataSync();
    const clean = x.dataSync();
    let hits = 0;
    for (let i = 0; i < vals.length; i++) {
      const img = i < 64 ? 0 : 1;
      expect(vals[i]).toBeGreaterThanOrEqual(lo[img]);
      expect(vals[i]).toBeLessThanOrEqual(hi[img]);
      if (vals[i] !== clean[i]) {
        hits++;
        // A hit pixel (±1 on a [0, 1] image) lands on the image's own min or max.
        expect(vals[i] === lo[img] || vals[i] === hi[img]).toBe(true);
      }
    }
    expect(hits).toBeGreaterThan(10);
    const g = gaussianNoise(x, 0.5, { seed: 1, clamp: 'bounds' });
    const gv = g.dataSync();
    expect(Math.min(...gv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...gv)).toBeLessThanOrEqual(1);
    expect(Math.min(...gv)).toBeLessThan(lo[0]);
    tf.dispose([x, sp, g]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('the per-image clamp equals the tensor formula min(max(x + noise, min x), max x), bit for bit', () => {
    const start = tf.memory().numTensors;
    // Non-dyadic pixel values (grey CIFAR-like, 5·(x − 0.5)) so that x + noise rounds in float32.
    const x = tf.tidy(() =>
      tf.mul(tf.sub(tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 7), 0.5), 5),
    ) as tf.Tensor4D;
    const bounds = [-2.5, 2.5] as const;
    for (const [kind, eps] of [
      ['gaussian', 0.7],
      ['uniform', 0.9],
      ['salt-and-pepper', 0.3],
    ] as const) {
      const attack = {
        gaussian: gaussianNoise,
        uniform: uniformNoise,
        'salt-and-pepper': saltAndPepperNoise,
      }[kind];
      const unclamped = attack(x, eps, { seed: 5, clamp: 'none', bounds });
      const expected = tf.tidy(() =>
        tf.minimum(tf.maximum(unclamped, tf.min(x, [1, 2, 3], true)), tf.max(x, [1, 2, 3], true)),
      );
      const clamped = attack(x, eps, { seed: 5, bounds });
      const got = clamped.dataSync();
      const want = expected.dataSync();
      let clampedCount = 0;
      for (let i = 0; i < got.length; i++) {
        expect(Object.is(got[i], want[i])).toBe(true);
        if (want[i] !== unclamped.dataSync()[i]) clampedCount++;
      }
      // The case is not vacuous: some values were clamped, most were not.
      expect(clampedCount).toBeGreaterThan(0);
      expect(clampedCount).toBeLessThan(got.length);
      tf.dispose([unclamped, expected, clamped]);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('same seed gives the same images, independent of batching; ε = 0 gives the clean images', () => {
    const x = tf.randomUniform([3, 4, 4, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const a = gaussianNoise(x, 0.1, { seed: 9 });
    const b = gaussianNoise(x, 0.1, { seed: 9 });
    const c = gaussianNoise(x, 0.1, { seed: 10 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const tail = tf.slice(x, [1, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
    const t = gaussianNoise(tail, 0.1, { seed: 9, indexOffset: 1 });
    expect(Array.from(t.dataSync())).toEqual(Array.from(a.dataSync().slice(48)));
    const z = uniformNoise(x, 0, { seed: 1 });
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, a, b, c, tail, t, z]);
  });

  it('rejects ε < 0, ε > 1 for salt-and-pepper, out-of-bounds or badly shaped images, and a missing seed', () => {
    const x = tf.fill([1, 2, 2, 1], 0.5) as tf.Tensor4D;
    expect(() => gaussianNoise(x, -0.1, { seed: 1 })).toThrow(InvalidEpsilonError);
    expect(() => saltAndPepperNoise(x, 1.5, { seed: 1 })).toThrow(/probability/);
    expect(() => uniformNoise(x, Number.NaN, { seed: 1 })).toThrow(InvalidEpsilonError);
    const bytes = tf.fill([1, 2, 2, 1], 255) as tf.Tensor4D;
    expect(() => gaussianNoise(bytes, 0.1, { seed: 1 })).toThrow(OutOfBoundsError);
    expect(() => gaussianNoise(bytes, 0.1, { seed: 1 })).toThrow(/divide bytes by 255/);
    const flat = tf.fill([2, 4], 0.5) as unknown as tf.Tensor4D;
    expect(() => gaussianNoise(flat, 0.1, { seed: 1 })).toThrow(ShapeMismatchError);
    expect(() => gaussianNoise(x, 0.1, {} as { seed: number })).toThrow(InvalidOptionError);
    expect(() => gaussianNoise(x, 0.1, { seed: 1, clamp: 'sometimes' as 'none' })).toThrow(
      InvalidOptionError,
    );
    tf.dispose([x, bytes, flat]);
  });
});
