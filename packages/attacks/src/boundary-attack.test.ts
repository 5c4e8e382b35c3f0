import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { boundaryAttack } from './attack-specs';
import { runBoundaryAttack } from './boundary-attack';
import { createClassifier } from './classifier';
import { InvalidOptionError, OutOfBoundsError } from './errors';
import { SeededRandom } from './random';
import { robustnessCurve } from './robustness-curve';
import { uniformImages } from './test-helpers';

/**
 * A binary linear classifier (logits [0, w·x + b]) whose boundary passes through the mean image 0.5,
 * the exact minimal L2 distances |w·x + b| / ‖w‖ of `images`, and a row counter (model queries).
 */
function linearBinary(d: number, seed: number, images: tf.Tensor4D) {
  const rng = new SeededRandom(seed);
  const w = new Float32Array(d).map(() => rng.normal());
  let b = 0;
  for (let i = 0; i < d; i++) b -= 0.5 * w[i];
  const wt = tf.keep(tf.tensor2d(w, [d, 1]));
  const rows = { count: 0 };
  const classifier = createClassifier((x) => {
    rows.count += x.shape[0];
    return tf.tidy(() => {
      const z = tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), wt), b);
      return tf.concat([tf.zerosLike(z), z], 1);
    });
  });
  const xv = images.dataSync();
  const norm = Math.hypot(...w);
  const minimal: number[] = [];
  for (let k = 0; k < images.shape[0]; k++) {
    let s = b;
    for (let i = 0; i < d; i++) s += w[i] * xv[k * d + i];
    minimal.push(Math.abs(s) / norm);
  }
  return { classifier, rows, minimal, dispose: () => wt.dispose() };
}

describe('runBoundaryAttack', () => {
  it('reaches within 10% of the minimal distance |w·x + b|/‖w‖ for ≥ 90% of images on linear classifiers', () => {
    for (const seed of [1, 2]) {
      const x = uniformImages([20, 4, 4, 1], 0.35, 0.65, 10 + seed);
      const lin = linearBinary(16, seed, x);
      const start = tf.memory().numTensors;
      const r = runBoundaryAttack(lin.classifier, x, { seed, steps: 3000 });
      const ratios = Array.from(r.distances, (v, k) => v / lin.minimal[k]);
      // Never closer than the true minimum (every accepted point is adversarial), and mostly within 10%.
      for (const q of ratios) expect(q).toBeGreaterThan(1 - 1e-4);
      expect(ratios.filter((q) => q <= 1.1).length).toBeGreaterThanOrEqual(18);
      expect(r.success.every(Boolean)).toBe(true);
      // The adversarials are adversarial and at the reported distance.
      const pred = tf.tidy(() => tf.argMax(lin.classifier.logits(r.adversarials), 1).dataSync());
      const d = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.sub(r.adversarials, x)), [1, 2, 3])).dataSync());
      for (let k = 0; k < 20; k++) {
        expect(pred[k]).not.toBe(r.labels[k]);
        expect(d[k]).toBeCloseTo(r.distances[k], 5);
      }
      r.adversarials.dispose();
      expect(tf.memory().numTensors).toBe(start);
      tf.dispose(x);
      lin.dispose();
    }
  });

  it('counts model queries per image exactly, and an image does not depend on its batch', () => {
    const x = uniformImages([4, 4, 4, 1], 0.35, 0.65, 30);
    const lin = linearBinary(16, 3, x);
    const steps = 45;
    lin.rows.count = 0;
    const batch = runBoundaryAttack(lin.classifier, x, { seed: 7, steps });
    // Every row the model saw is attributed to exactly one image.
    expect(batch.queries.reduce((a, b) => a + b, 0)).toBe(lin.rows.count);
    for (let k = 0; k < 4; k++) {
      // 1 (label prediction) + initialisation (≥ 1 noise draw + ≥ 1 blend) + 1 per step + 1 per 10th step.
      expect(batch.queries[k] - 1 - steps - Math.floor(steps / 10)).toBeGreaterThanOrEqual(2);
      expect(batch.steps[k]).toBe(steps);
      const one = tf.slice(x, [k, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      lin.rows.count = 0;
      const single = runBoundaryAttack(lin.classifier, one, { seed: 7, steps, indexOffset: k });
      expect(single.queries[0]).toBe(lin.rows.count);
      expect(single.queries[0]).toBe(batch.queries[k]);
      expect(single.distances[0]).toBe(batch.distances[k]);
      tf.dispose([one, single.adversarials]);
    }
    // Same seed → same result; another seed → another walk.
    const again = runBoundaryAttack(lin.classifier, x, { seed: 7, steps });
    const other = runBoundaryAttack(lin.classifier, x, { seed: 8, steps });
    expect(Array.from(again.distances)).toEqual(Array.from(batch.distances));
    expect(Array.from(other.distances)).not.toEqual(Array.from(batch.distances));
    tf.dispose([x, batch.adversarials, again.adversarials, other.adversarials]);
    lin.dispose();
  });

  it('stops an image early once it is within targetDistance', () => {
    const x = uniformImages([6, 4, 4, 1], 0.35, 0.65, 40);
    const lin = linearBinary(16, 4, x);
    const target = 1.5 * Math.max(...lin.minimal);
    const full = runBoundaryAttack(lin.classifier, x, { seed: 2, steps: 2000 });
    const early = runBoundaryAttack(lin.classifier, x, { seed: 2, steps: 2000, targetDistance: target });
    for (let k = 0; k < 6; k++) {
      expect(early.distances[k]).toBeLessThanOrEqual(target);
      expect(early.steps[k]).toBeLessThan(full.steps[k]);
      expect(early.queries[k]).toBeLessThan(full.queries[k]);
    }
    tf.dispose([x, full.adversarials, early.adversarials]);
    lin.dispose();
  });

  it('reports a per-image initialisation failure instead of throwing', () => {
    // A constant classifier (always class 0): no noise can move an image labelled 0; an image labelled 1
    // is already misclassified (distance 0).
    const rows = { count: 0 };
    // numClasses given: the given labels are checked against it without a probing query.
    const clf = createClassifier(
      (x) => {
        rows.count += x.shape[0];
        return tf.tidy(() => tf.tile(tf.tensor2d([[1, 0]]), [x.shape[0], 1]));
      },
      { numClasses: 2 },
    );
    const x = uniformImages([3, 2, 2, 1], 0.2, 0.8, 50);
    const r = runBoundaryAttack(clf, x, { seed: 1, steps: 20, labels: [0, 1, 0], initDirections: 5 });
    expect(r.success).toEqual([false, true, false]);
    expect(Array.from(r.distances)).toEqual([Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    // 5 failed noise draws; 1 draw + the ε = 0 blend; no walk for any image.
    expect(Array.from(r.queries)).toEqual([5, 2, 5]);
    expect(rows.count).toBe(12);
    expect(Array.from(r.adversarials.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, r.adversarials]);
  });

  it('feeds robustnessCurve with median L2 and median squared L2 per pixel over successful images', () => {
    // 9 images (odd): the median of squares is then the square of the median.
    const x = uniformImages([9, 4, 4, 1], 0.35, 0.65, 60);
    const lin = linearBinary(16, 5, x);
    const labels = Array.from(tf.tidy(() => tf.argMax(lin.classifier.logits(x), 1).dataSync()));
    labels[0] = 1 - labels[0]; // one clean error
    const start = tf.memory().numTensors;
    const curve = robustnessCurve(
      lin.classifier,
      { images: x, labels },
      boundaryAttack({ steps: 30 }),
      [0, 0.1, 10],
      {
        seed: 3,
        repeats: 2,
        batchSize: 5,
      },
    );
    expect(tf.memory().numTensors).toBe(start);
    expect(curve.cleanAccuracy).toBe(8 / 9);
    expect(curve.accuracy[0].mean).toBe(8 / 9);
    expect(curve.accuracy[2].mean).toBe(0);
    const m = curve.minimization!;
    expect(m.successRate.mean).toBe(1);
    for (let r = 0; r < 2; r++) {
      const l2 = m.medianL2.values[r] as number;
      expect(m.medianSquaredL2PerPixel.values[r]).toBeCloseTo((l2 * l2) / 16, 10);
      expect(l2).toBeGreaterThan(0);
    }
    expect(m.medianL2.sem).not.toBeNull();
    expect(m.meanQueries.mean).toBeGreaterThan(30);
    expect(JSON.parse(JSON.stringify(curve))).toEqual(curve);
    tf.dispose(x);
    lin.dispose();
  });

  it('rejects out-of-bounds images and bad options with typed errors', () => {
    const x = uniformImages([2, 2, 2, 1], 0, 1, 70);
    const lin = linearBinary(4, 6, x);
    const big = tf.add(x, 1) as tf.Tensor4D;
    expect(() => runBoundaryAttack(lin.classifier, big, { seed: 1 })).toThrow(OutOfBoundsError);
    expect(() => runBoundaryAttack(lin.classifier, x, {} as { seed: number })).toThrow(/seed/);
    expect(() => runBoundaryAttack(lin.classifier, x, { seed: 1, steps: 0 })).toThrow(InvalidOptionError);
    expect(() => runBoundaryAttack(lin.classifier, x, { seed: 1, targetDistance: -1 })).toThrow(
      InvalidOptionError,
    );
    tf.dispose([x, big]);
    lin.dispose();
  });
});
