import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier';
import { runHopSkipJump } from './hop-skip-jump';
import { SeededRandom } from './random';
import { robustAccuracyAt } from './robust-accuracy';
import { linearModel, uniformImages } from './test-helpers';

/**
 * A binary linear classifier (logits [0, w·x + b]) whose boundary passes through the mean image 0.5, with
 * the exact minimal distances of `images`: L2 |w·x + b|/‖w‖₂, L∞ |w·x + b|/‖w‖₁ (the bounds never bind here).
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
  const l1 = w.reduce((a, v) => a + Math.abs(v), 0);
  const minimal = { l2: [] as number[], linf: [] as number[] };
  for (let k = 0; k < images.shape[0]; k++) {
    let s = b;
    for (let i = 0; i < d; i++) s += w[i] * xv[k * d + i];
    minimal.l2.push(Math.abs(s) / Math.hypot(...w));
    minimal.linf.push(Math.abs(s) / l1);
  }
  return { classifier, rows, minimal, dispose: () => wt.dispose() };
}

function norms(a: tf.Tensor4D, x: tf.Tensor4D) {
  return tf.tidy(() => {
    const diff = tf.sub(a, x);
    return {
      l2: tf.sqrt(tf.sum(tf.square(diff), [1, 2, 3])).dataSync(),
      linf: tf.max(tf.abs(diff), [1, 2, 3]).dataSync(),
    };
  });
}

describe('runHopSkipJump', () => {
  for (const norm of ['l2', 'linf'] as const) {
    it(`${norm}: converges to within 2% of the minimal distance on linear classifiers; the distance never increases`, () => {
      const x = uniformImages([10, 4, 4, 1], 0.35, 0.65, 11);
      const lin = linearBinary(16, 1, x);
      const start = tf.memory().numTensors;
      const r = runHopSkipJump(lin.classifier, x, { seed: 1, norm, steps: 20 });
      const actual = norms(r.adversarials, x)[norm];
      const pred = tf.tidy(() => tf.argMax(lin.classifier.logits(r.adversarials), 1).dataSync());
      for (let i = 0; i < 10; i++) {
        const ratio = r.distances[i] / lin.minimal[norm][i];
        expect(ratio).toBeGreaterThan(1 - 1e-4);
        expect(ratio).toBeLessThan(1.02);
        expect(actual[i]).toBeCloseTo(r.distances[i], 6);
        expect(pred[i]).not.toBe(r.labels[i]);
        const h = r.history[i];
        expect(h.distances.length).toBe(21);
        for (let t = 1; t < h.distances.length; t++) {
          expect(h.distances[t]).toBeLessThanOrEqual(h.distances[t - 1]);
          expect(h.queries[t]).toBeGreaterThan(h.queries[t - 1]);
        }
        // The walk did the work: far from the projected initialisation.
        expect(h.distances[20]).toBeLessThan(0.6 * h.distances[0]);
        expect(h.distances[20]).toBe(r.distances[i]);
        expect(h.queries[20]).toBe(r.queries[i]);
      }
      r.adversarials.dispose();
      expect(tf.memory().numTensors).toBe(start);
      x.dispose();
      lin.dispose();
    });

    it(`${norm}: an image gives the same result in a batch as alone, whatever the model-call size; queries are exact`, () => {
      const x = uniformImages([4, 4, 4, 1], 0.3, 0.7, 12);
      const lin = linearBinary(16, 2, x);
      const options = { seed: 4, norm, steps: 6 };
      lin.rows.count = 0;
      const batch = runHopSkipJump(lin.classifier, x, options);
      expect(lin.rows.count).toBe(batch.queries.reduce((a, b) => a + b, 0));
      const chunked = runHopSkipJump(lin.classifier, x, { ...options, batchSize: 7 });
      expect(Array.from(chunked.distances)).toEqual(Array.from(batch.distances));
      expect(Array.from(chunked.queries)).toEqual(Array.from(batch.queries));
      const all = batch.adversarials.dataSync();
      for (let i = 0; i < 4; i++) {
        const one = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        lin.rows.count = 0;
        const single = runHopSkipJump(lin.classifier, one, { ...options, indexOffset: i });
        expect(single.queries[0]).toBe(lin.rows.count);
        expect(single.queries[0]).toBe(batch.queries[i]);
        expect(single.distances[0]).toBe(batch.distances[i]);
        expect(Array.from(single.history[0].distances)).toEqual(Array.from(batch.history[i].distances));
        expect(Array.from(single.history[0].queries)).toEqual(Array.from(batch.history[i].queries));
        expect(Array.from(single.adversarials.dataSync())).toEqual(
          Array.from(all.subarray(i * 16, (i + 1) * 16)),
        );
        tf.dispose([one, single.adversarials]);
      }
      const other = runHopSkipJump(lin.classifier, x, { ...options, seed: 5 });
      expect(Array.from(other.distances)).not.toEqual(Array.from(batch.distances));
      tf.dispose([x, batch.adversarials, chunked.adversarials, other.adversarials]);
      lin.dispose();
    });
  }

  it('fools every image of an undefended 10-class model (success 100%) and shrinks every distance', () => {
    const lin = linearModel(8 * 8 * 3, 10, 1, 0.3);
    const clf = createClassifier(lin.logits);
    const x = uniformImages([12, 8, 8, 3], 0, 1, 2);
    const r = runHopSkipJump(clf, x, { seed: 3, steps: 8 });
    expect(r.success.every(Boolean)).toBe(true);
    const pred = tf.tidy(() => tf.argMax(clf.logits(r.adversarials), 1).dataSync());
    for (let i = 0; i < 12; i++) {
      expect(pred[i]).not.toBe(r.labels[i]);
      expect(r.distances[i]).toBeLessThan(0.5 * r.history[i].distances[0]);
    }
    tf.dispose([x, r.adversarials]);
  });

  it('stops an image at its query budget, and robustAccuracyAt reads the budget from the history', () => {
    const x = uniformImages([5, 4, 4, 1], 0.35, 0.65, 13);
    const lin = linearBinary(16, 3, x);
    const full = runHopSkipJump(lin.classifier, x, { seed: 2, steps: 12 });
    const capped = runHopSkipJump(lin.classifier, x, { seed: 2, steps: 12, maxQueries: 1500 });
    for (let i = 0; i < 5; i++) {
      const h = capped.history[i];
      expect(capped.steps[i]).toBeLessThan(full.steps[i]);
      // Every iteration but the last started under the budget.
      expect(h.queries[h.queries.length - 2]).toBeLessThan(1500);
      expect(capped.queries[i]).toBeGreaterThanOrEqual(1500);
      // The capped run is a prefix of the full one.
      expect(Array.from(h.distances)).toEqual(
        Array.from(full.history[i].distances.subarray(0, h.distances.length)),
      );
    }
    // At a budget, the distance reached within it counts: with ε between the two, the budget matters.
    const eps = Math.max(...full.distances) * 1.001;
    expect(robustAccuracyAt(full, { epsilon: eps }).robustAccuracy).toBe(0);
    const early = robustAccuracyAt(full, { epsilon: eps, maxQueries: 400 });
    expect(early.robustAccuracy).toBeGreaterThan(0);
    const within = (h: (typeof full.history)[number]) =>
      Array.from(h.queries).some((q, j) => q <= 400 && h.distances[j] <= eps);
    expect(early.fooled).toEqual(full.history.map(within));
    // The budget cuts the history: the last point within 400 queries is what counts, not the final one.
    expect(early.fooled.some((f, i) => !f && full.distances[i] <= eps)).toBe(true);
    tf.dispose([x, full.adversarials, capped.adversarials]);
    lin.dispose();
  });

  it('reports an initialisation failure per image; an image already misclassified stays at distance 0', () => {
    const clf = createClassifier((x) => tf.tidy(() => tf.tile(tf.tensor2d([[1, 0]]), [x.shape[0], 1])), {
      numClasses: 2,
    });
    const x = uniformImages([2, 2, 2, 1], 0.2, 0.8, 14);
    const r = runHopSkipJump(clf, x, { seed: 1, steps: 5, labels: [0, 1], initDirections: 4 });
    expect(r.success).toEqual([false, true]);
    expect(Array.from(r.distances)).toEqual([Number.POSITIVE_INFINITY, 0]);
    // 4 failed noise draws; 1 draw + the ε = 0 blend; no walk.
    expect(Array.from(r.queries)).toEqual([4, 2]);
    expect(Array.from(r.steps)).toEqual([0, 0]);
    expect(r.history[0].distances.length).toBe(0);
    expect(Array.from(r.history[1].distances)).toEqual([0]);
    expect(Array.from(r.adversarials.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, r.adversarials]);
  });
});
