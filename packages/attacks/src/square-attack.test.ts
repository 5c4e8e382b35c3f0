import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier';
import { deriveSeed, SeededRandom } from './random';
import { runSquareAttack } from './square-attack';
import { linearModel, uniformImages } from './test-helpers';

/** logits = [w·x + b, 0] over 3×3 grey images: the margin at label 0 is w·x + b, computable by hand. */
function handModel(w: number[], b: number) {
  const wt = tf.keep(tf.tensor2d(w, [9, 1]));
  const rows = { count: 0 };
  const classifier = createClassifier((x) => {
    rows.count += x.shape[0];
    return tf.tidy(() => {
      const z = tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 9]), wt), b);
      return tf.concat([z, tf.zerosLike(z)], 1);
    });
  });
  return { classifier, rows, dispose: () => wt.dispose() };
}

describe('runSquareAttack (L∞)', () => {
  it('follows a hand-worked trace of its first iterations (seed 1, 3×3 image, ε = 1/4)', () => {
    // The stream of image 0 in run 0 is SeededRandom(deriveSeed(seed, 0, 0)); its first uniforms:
    const rng = new SeededRandom(deriveSeed(1, 0, 0));
    const u = Array.from({ length: 15 }, () => Number(rng.uniform().toFixed(4)));
    expect(u).toEqual([
      0.482, 0.7056, 0.2485, 0.4132, 0.3158, 0.6835, 0.645, 0.7694, 0.1024, 0.1702, 0.9078, 0.2013, 0.9058,
      0.1472, 0.5429,
    ]);
    // Margin at label 0: w·x + 1 with w (row-major) below; clean x = 0.5 everywhere: −0.5 + 1 = 0.5 > 0.
    const w = [1, 1, -4, -2, 0, 3, 0, 0, 0];
    const m = handModel(w, 1);
    const x = tf.fill([1, 3, 3, 1], 0.5) as tf.Tensor4D;
    const start = tf.memory().numTensors;
    const r = runSquareAttack(m.classifier, x, 0.25, { seed: 1, labels: [0], history: true });
    // Square side: p = 0.05 for the first iterations, round(√(0.05·9)) = 1 pixel.
    // Init, vertical stripes, one sign per column (u < 0.5 → −ε): 0.482 −, 0.7056 +, 0.2485 −
    //   every row [0.25, 0.75, 0.25]; margin 0.25 + 0.75 − 1 − 0.5 + 0 + 0.75 + 1 = 1.25.
    // Iteration 1: row ⌊0.4132·3⌋ = 1, col ⌊0.3158·3⌋ = 0, sign 0.6835 → + : (1, 0) 0.25 → 0.75,
    //   margin 1.25 + (−2)(0.5) = 0.25 < 1.25: accepted.
    // Iteration 2: row ⌊0.645·3⌋ = 1, col ⌊0.7694·3⌋ = 2, sign 0.1024 → − : 0.25, no change → redraw,
    //   0.1702 → − : no change → redraw, 0.9078 → + : (1, 2) 0.25 → 0.75, margin 0.25 + 3(0.5) = 1.75: rejected.
    // Iteration 3: row ⌊0.2013·3⌋ = 0, col ⌊0.9058·3⌋ = 2, sign 0.1472 → − : no change → redraw,
    //   0.5429 → + : (0, 2) 0.25 → 0.75, margin 0.25 + (−4)(0.5) = −1.75 < 0: fooled, the image stops.
    expect(Array.from(r.marginHistory?.[0] ?? [])).toEqual([1.25, 0.25, 0.25, -1.75]);
    expect(Array.from(r.adversarials.dataSync())).toEqual([
      0.25, 0.75, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25,
    ]);
    expect(r.success).toEqual([true]);
    expect(r.margins[0]).toBe(-1.75);
    expect(r.distances[0]).toBe(0.25);
    // 1 initialisation + 3 iterations (the clean query that checked the label is not counted).
    expect(Array.from(r.queries)).toEqual([4]);
    expect(Array.from(r.iterations)).toEqual([3]);
    expect(m.rows.count).toBe(5);
    r.adversarials.dispose();
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    m.dispose();
  });

  it('fools an undefended linear model on (nearly) every image at a generous budget, within ε and bounds', () => {
    const lin = linearModel(8 * 8 * 3, 10, 1, 0.3);
    const clf = createClassifier(lin.logits);
    const x = uniformImages([20, 8, 8, 3], 0, 1, 2);
    const eps = 0.05;
    const r = runSquareAttack(clf, x, eps, { seed: 3, maxQueries: 1000 });
    expect(r.success.filter(Boolean).length).toBeGreaterThanOrEqual(19);
    const pred = tf.tidy(() => tf.argMax(clf.logits(r.adversarials), 1).dataSync());
    const linf = tf.tidy(() => tf.max(tf.abs(tf.sub(r.adversarials, x)), [1, 2, 3]).dataSync());
    const range = tf.tidy(() => [tf.min(r.adversarials).dataSync()[0], tf.max(r.adversarials).dataSync()[0]]);
    expect(range[0]).toBeGreaterThanOrEqual(0);
    expect(range[1]).toBeLessThanOrEqual(1);
    for (let i = 0; i < 20; i++) {
      expect(linf[i]).toBeLessThanOrEqual(eps + 1e-6);
      expect(pred[i] !== r.labels[i]).toBe(r.success[i]);
      if (r.success[i]) {
        expect(r.margins[i]).toBeLessThan(0);
        expect(r.distances[i]).toBeCloseTo(linf[i], 6);
      } else expect(r.distances[i]).toBe(Number.POSITIVE_INFINITY);
    }
    tf.dispose([x, r.adversarials]);
  });
});

describe('runSquareAttack (both norms)', () => {
  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: the best margin never increases, and a fooled image is not queried again`, () => {
      const lin = linearModel(6 * 6 * 2, 4, 2, 0.3);
      const clf = createClassifier(lin.logits);
      const x = uniformImages([8, 6, 6, 2], 0, 1, 4);
      const r = runSquareAttack(clf, x, norm === 'linf' ? 0.03 : 0.3, {
        seed: 5,
        norm,
        maxQueries: 300,
        history: true,
      });
      let fooled = 0;
      for (let i = 0; i < 8; i++) {
        const h = r.marginHistory?.[i] as Float64Array;
        expect(h.length).toBe(r.iterations[i] + 1);
        for (let t = 1; t < h.length; t++) expect(h[t]).toBeLessThanOrEqual(h[t - 1]);
        expect(h[h.length - 1]).toBe(r.margins[i]);
        if (r.success[i]) {
          fooled++;
          // Stopped at the query that fooled it: only the last entry is ≤ 0.
          expect(h.slice(0, -1).every((v) => v > 0)).toBe(true);
        } else expect(r.queries[i]).toBe(300);
      }
      // Not vacuous: some images were fooled early, some were still attacked at the end.
      expect(fooled).toBeGreaterThan(0);
      expect(fooled).toBeLessThan(8);
      r.adversarials.dispose();
      x.dispose();
    });

    it(`${norm}: an image gives the same result in a batch as alone; queries are counted exactly`, () => {
      const lin = linearModel(5 * 5 * 3, 3, 6, 0.3);
      const clf = createClassifier(lin.logits);
      const x = uniformImages([4, 5, 5, 3], 0, 1, 7);
      const eps = norm === 'linf' ? 0.04 : 0.4;
      lin.rows.count = 0;
      const batch = runSquareAttack(clf, x, eps, { seed: 9, norm, maxQueries: 200 });
      // Every model row is attributed: one clean row per image plus the attack queries.
      expect(lin.rows.count).toBe(4 + batch.queries.reduce((a, b) => a + b, 0));
      const all = batch.adversarials.dataSync();
      for (let i = 0; i < 4; i++) {
        const one = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        const single = runSquareAttack(clf, one, eps, { seed: 9, norm, maxQueries: 200, indexOffset: i });
        expect(single.queries[0]).toBe(batch.queries[i]);
        expect(single.margins[0]).toBe(batch.margins[i]);
        expect(single.success[0]).toBe(batch.success[i]);
        expect(Array.from(single.adversarials.dataSync())).toEqual(
          Array.from(all.subarray(i * 75, (i + 1) * 75)),
        );
        tf.dispose([one, single.adversarials]);
      }
      const other = runSquareAttack(clf, x, eps, { seed: 10, norm, maxQueries: 200 });
      expect(Array.from(other.margins)).not.toEqual(Array.from(batch.margins));
      tf.dispose([x, batch.adversarials, other.adversarials]);
    });
  }

  it('l2: every point stays within the ε-ball and the bounds; ε = 1 fools (nearly) every image', () => {
    const lin = linearModel(8 * 8 * 3, 10, 1, 0.3);
    const clf = createClassifier(lin.logits);
    const x = uniformImages([20, 8, 8, 3], 0, 1, 2);
    const r = runSquareAttack(clf, x, 1, { seed: 3, norm: 'l2', maxQueries: 1000 });
    expect(r.success.filter(Boolean).length).toBeGreaterThanOrEqual(19);
    const l2 = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.sub(r.adversarials, x)), [1, 2, 3])).dataSync());
    for (let i = 0; i < 20; i++) expect(l2[i]).toBeLessThanOrEqual(1 + 1e-5);
    expect(tf.tidy(() => tf.min(r.adversarials).dataSync()[0])).toBeGreaterThanOrEqual(0);
    expect(tf.tidy(() => tf.max(r.adversarials).dataSync()[0])).toBeLessThanOrEqual(1);
    tf.dispose([x, r.adversarials]);
  });

  it('counts images misclassified at their labels as fooled at distance 0 without attack queries; ε = 0 attacks nothing', () => {
    const lin = linearModel(4 * 4, 3, 8, 0.3);
    const clf = createClassifier(lin.logits);
    const x = uniformImages([3, 4, 4, 1], 0, 1, 9);
    const pred = tf.tidy(() => tf.argMax(clf.logits(x), 1).dataSync());
    const labels = [(pred[0] + 1) % 3, pred[1], pred[2]];
    const r = runSquareAttack(clf, x, 0.2, { seed: 1, labels, maxQueries: 50 });
    expect(r.success[0]).toBe(true);
    expect(r.distances[0]).toBe(0);
    expect(r.queries[0]).toBe(0);
    expect(r.queries[1]).toBeGreaterThan(0);
    const zero = runSquareAttack(clf, x, 0, { seed: 1, labels });
    expect(zero.success).toEqual([true, false, false]);
    expect(Array.from(zero.queries)).toEqual([0, 0, 0]);
    expect(Array.from(zero.adversarials.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, r.adversarials, zero.adversarials]);
  });

  it('restarts give images not fooled by the first run another full run from a fresh initialisation', () => {
    const lin = linearModel(6 * 6 * 1, 3, 11, 0.3);
    const clf = createClassifier(lin.logits);
    const x = uniformImages([10, 6, 6, 1], 0, 1, 12);
    const once = runSquareAttack(clf, x, 0.02, { seed: 2, maxQueries: 20 });
    const twice = runSquareAttack(clf, x, 0.02, { seed: 2, maxQueries: 20, restarts: 1 });
    let survivors = 0;
    for (let i = 0; i < 10; i++) {
      if (once.success[i]) {
        // Run 0 is the same; a fooled image gets no restart.
        expect(twice.queries[i]).toBe(once.queries[i]);
        expect(twice.margins[i]).toBe(once.margins[i]);
      } else {
        survivors++;
        expect(twice.queries[i]).toBeGreaterThan(20);
        expect(twice.margins[i]).toBeLessThanOrEqual(once.margins[i]);
      }
    }
    expect(survivors).toBeGreaterThan(0);
    tf.dispose([x, once.adversarials, twice.adversarials]);
  });
});
