import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { corrupt } from './corrupt';

// One 128×128 RGB image of a constant value: 49 152 independent draws per call.
const SHAPE: [number, number, number, number] = [1, 128, 128, 3];
const COUNT = 128 * 128 * 3;

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

function corrupted(
  value: number,
  family: 'gaussian-noise' | 'shot-noise' | 'impulse-noise',
  severity: number,
) {
  const x = tf.fill(SHAPE, value) as tf.Tensor4D;
  const y = corrupt(x, family, severity, { seed: 7 + severity });
  const values = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  return values;
}

describe('noise corruptions (CIFAR-10-C constants)', () => {
  it('Gaussian noise: mean x and variance σ² with σ = 0.04, 0.06, 0.08, 0.09, 0.10', () => {
    const start = tf.memory().numTensors;
    for (const [severity, sigma] of [0.04, 0.06, 0.08, 0.09, 0.1].map((s, i) => [i + 1, s])) {
      const m = moments(corrupted(0.5, 'gaussian-noise', severity));
      // 0.5 is 5σ from either clip: the clipped mass is < 1e-6.
      expect(Math.abs(m.mean - 0.5)).toBeLessThan((5 * sigma) / Math.sqrt(COUNT));
      expect(Math.abs(m.variance / (sigma * sigma) - 1)).toBeLessThan(5 * Math.sqrt(2 / COUNT));
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('shot noise: Poisson(λx)/λ has mean x and variance x/λ with λ = 500, 250, 100, 75, 50', () => {
    // x = 0.5 draws means 250 … 25 (the rejection sampler); x = 0.05 draws 25 … 2.5 (both samplers).
    for (const x of [0.5, 0.05]) {
      for (const [severity, lambda] of [500, 250, 100, 75, 50].map((l, i) => [i + 1, l])) {
        const values = corrupted(x, 'shot-noise', severity);
        const m = moments(values);
        const variance = x / lambda;
        expect(Math.abs(m.mean - x)).toBeLessThan(5 * Math.sqrt(variance / COUNT));
        // Var of a Poisson sample variance ≈ (μ₄ − σ⁴)/n with μ₄ = σ⁴(3 + 1/(λx)).
        const se = variance * Math.sqrt((2 + 1 / (lambda * x)) / COUNT);
        expect(Math.abs(m.variance - variance)).toBeLessThan(5 * se);
        // Every value is a multiple of 1/λ.
        for (let i = 0; i < 100; i++)
          expect(values[i] * lambda).toBeCloseTo(Math.round(values[i] * lambda), 3);
      }
    }
  });

  it('impulse noise: a fraction c of values becomes 0 or 1 (half each), c = 0.01, 0.02, 0.03, 0.05, 0.07', () => {
    for (const [severity, c] of [0.01, 0.02, 0.03, 0.05, 0.07].map((a, i) => [i + 1, a])) {
      const values = corrupted(0.5, 'impulse-noise', severity);
      let zeros = 0;
      let ones = 0;
      let kept = 0;
      for (const v of values) {
        if (v === 0) zeros++;
        else if (v === 1) ones++;
        else if (v === 0.5) kept++;
      }
      expect(zeros + ones + kept).toBe(COUNT);
      const p = c / 2;
      const se = Math.sqrt((p * (1 - p)) / COUNT);
      expect(Math.abs(zeros / COUNT - p)).toBeLessThan(5 * se);
      expect(Math.abs(ones / COUNT - p)).toBeLessThan(5 * se);
    }
  });

  it('is seeded: the same seed gives the same noise, another seed other noise', () => {
    const x = tf.fill([2, 8, 8, 3], 0.5) as tf.Tensor4D;
    const a = corrupt(x, 'shot-noise', 5, { seed: 1 });
    const b = corrupt(x, 'shot-noise', 5, { seed: 1 });
    const c = corrupt(x, 'shot-noise', 5, { seed: 2 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([x, a, b, c]);
  });
});
