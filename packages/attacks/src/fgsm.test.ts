import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs gradients (tfjs-core alone has none), as any tfjs-layers program does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { fgsmAttack } from './attack-specs';
import { createClassifier, scaleShift } from './classifier';
import {
  GradientsNotRegisteredError,
  InvalidEpsilonError,
  MissingLabelsError,
  OutOfBoundsError,
  ShapeMismatchError,
} from './errors';
import { fgsm } from './fgsm';
import { robustnessCurve } from './robustness-curve';
import { linearModel, uniformImages } from './test-helpers';

/** Analytic input gradient of softmax cross-entropy for a linear model: W·(softmax(z) − e_y). */
function analyticGradient(
  m: ReturnType<typeof linearModel>,
  x: Float32Array,
  y: number,
  scale = 1,
  shift = 0,
) {
  const z = new Float64Array(m.k);
  for (let j = 0; j < m.k; j++) {
    z[j] = m.b[j];
    for (let i = 0; i < m.d; i++) z[j] += scale * (x[i] - shift) * m.w[i * m.k + j];
  }
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  const g = new Float64Array(m.d);
  for (let i = 0; i < m.d; i++) {
    for (let j = 0; j < m.k; j++) g[i] += scale * m.w[i * m.k + j] * (e[j] / s - (j === y ? 1 : 0));
  }
  return g;
}

describe('fgsm', () => {
  it('matches x + ε·sign(∇) of the analytic gradient on a linear softmax model (with preprocessing)', () => {
    const m = linearModel(12, 4, 1);
    const clf = createClassifier(m.logits, { preprocess: scaleShift(5, 0.5) });
    const start = tf.memory().numTensors;
    const x = uniformImages([6, 2, 2, 3], 0.3, 0.7, 2);
    const labels = [0, 1, 2, 3, 0, 1];
    const eps = 0.05;
    const adv = fgsm(clf, x, labels, eps);
    const xv = x.dataSync() as Float32Array;
    const av = adv.dataSync();
    for (let n = 0; n < 6; n++) {
      const g = analyticGradient(m, xv.subarray(n * 12, (n + 1) * 12), labels[n], 5, 0.5);
      for (let i = 0; i < 12; i++) {
        expect(av[n * 12 + i]).toBeCloseTo(xv[n * 12 + i] + eps * Math.sign(g[i]), 6);
      }
    }
    tf.dispose([x, adv]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('clips to the bounds, and ε = 0 returns the clean images (clean accuracy in a curve)', () => {
    const m = linearModel(12, 3, 3);
    const clf = createClassifier(m.logits);
    const x = uniformImages([20, 2, 2, 3], 0, 1, 4);
    const labels = Array.from({ length: 20 }, (_, i) => i % 3);
    const adv = fgsm(clf, x, labels, 0.5);
    const v = adv.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    const zero = fgsm(clf, x, labels, 0);
    expect(Array.from(zero.dataSync())).toEqual(Array.from(x.dataSync()));
    const start = tf.memory().numTensors;
    const curve = robustnessCurve(clf, { images: x, labels }, fgsmAttack(), [0, 0.05, 0.2], {
      seed: 1,
      batchSize: 7,
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(curve.accuracy[0].mean).toBe(curve.cleanAccuracy);
    expect(curve.accuracy[2].mean).toBeLessThanOrEqual(curve.accuracy[1].mean as number);
    expect(JSON.parse(JSON.stringify(curve))).toEqual(curve);
    tf.dispose([x, adv, zero]);
  });

  it('uses the surrogate gradient for transferred FGSM', () => {
    const target = linearModel(12, 2, 5);
    const surrogate = linearModel(12, 2, 6);
    const x = uniformImages([4, 2, 2, 3], 0.3, 0.7, 7);
    const labels = [0, 1, 0, 1];
    const adv = fgsm(createClassifier(target.logits), x, labels, 0.1, {
      surrogate: createClassifier(surrogate.logits),
    });
    const own = fgsm(createClassifier(surrogate.logits), x, labels, 0.1);
    expect(Array.from(adv.dataSync())).toEqual(Array.from(own.dataSync()));
    tf.dispose([x, adv, own]);
  });

  it('throws typed errors for ε < 0, missing labels, label-count mismatch and out-of-bounds images', () => {
    const m = linearModel(4, 2, 8);
    const clf = createClassifier(m.logits);
    const x = uniformImages([2, 2, 2, 1], 0, 1, 9);
    expect(() => fgsm(clf, x, [0, 1], -0.1)).toThrow(InvalidEpsilonError);
    expect(() => fgsm(clf, x, undefined as unknown as number[], 0.1)).toThrow(MissingLabelsError);
    expect(() => fgsm(clf, x, [0], 0.1)).toThrow(ShapeMismatchError);
    const big = tf.mul(x, 3) as tf.Tensor4D;
    expect(() => fgsm(clf, big, [0, 1], 0.1)).toThrow(OutOfBoundsError);
    expect(() => fgsm(clf, x, [0, 5], 0.1)).toThrow(/labels must lie in \[0, 2\)/);
    // 0..255 float pixels where [0, 1] is expected: typed, with the range found and the fix.
    const bytes = tf.mul(x, 255) as tf.Tensor4D;
    let error: unknown;
    try {
      fgsm(clf, bytes, [0, 1], 0.1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfBoundsError);
    expect((error as OutOfBoundsError).max).toBeGreaterThan(1);
    expect((error as OutOfBoundsError).bounds).toEqual([0, 1]);
    expect((error as Error).message).toMatch(/look like 0\.\.255 pixels: divide bytes by 255/);
    tf.dispose([x, big, bytes]);
  });

  it('explains how to register gradients when a kernel of the model has none', () => {
    // TopK has no registered gradient in tfjs: the error must name the fix.
    const clf = createClassifier((x) => tf.topk(tf.reshape(x, [x.shape[0], -1]), 2).values);
    const x = uniformImages([2, 2, 2, 1], 0, 1, 10);
    expect(() => fgsm(clf, x, [0, 1], 0.1)).toThrow(GradientsNotRegisteredError);
    expect(() => fgsm(clf, x, [0, 1], 0.1)).toThrow(/import '@tensorflow\/tfjs-layers'/);
    x.dispose();
  });
});
