import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianNoiseAttack, saltAndPepperNoiseAttack, uniformNoiseAttack } from './attack-specs';
import { createClassifier } from './classifier';
import { InvalidEpsilonError, InvalidOptionError, MissingLabelsError, ShapeMismatchError } from './errors';
import { robustnessCurve } from './robustness-curve';
import { summarize } from './summary';
import { linearModel, uniformImages } from './test-helpers';

describe('robustnessCurve', () => {
  const m = linearModel(12, 3, 31, 3);
  const clf = createClassifier(m.logits);
  const x = uniformImages([30, 2, 2, 3], 0, 1, 32);
  const labels = Array.from(tf.tidy(() => tf.argMax(clf.logits(x), 1).dataSync()));

  it('gives clean accuracy at ε = 0, falls with noise, and reports mean ± SEM over repeats as JSON', () => {
    const start = tf.memory().numTensors;
    const eps = [0, 0.2, 1];
    const curve = robustnessCurve(clf, { images: x, labels }, gaussianNoiseAttack({ clamp: 'bounds' }), eps, {
      seed: 4,
      repeats: 3,
      batchSize: 8,
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(curve.cleanAccuracy).toBe(1);
    expect(curve.accuracy[0]).toEqual({ mean: 1, sem: 0, values: [1, 1, 1] });
    expect(curve.accuracy[2].mean as number).toBeLessThan(1);
    const v = curve.accuracy[2].values as number[];
    expect(curve.accuracy[2]).toEqual(summarize(v));
    // Repeats use different seeds, so strong noise gives different accuracies (not all equal).
    expect(new Set(v).size).toBeGreaterThan(1);
    expect(curve.epsilons).toEqual(eps);
    expect(JSON.parse(JSON.stringify(curve))).toEqual(curve);
    // The same seed reproduces the curve, whatever the batch size.
    const again = robustnessCurve(clf, { images: x, labels }, gaussianNoiseAttack({ clamp: 'bounds' }), eps, {
      seed: 4,
      repeats: 3,
      batchSize: 30,
    });
    expect(again).toEqual(curve);
  });

  it('runs the uniform and salt-and-pepper curves', () => {
    for (const attack of [uniformNoiseAttack(), saltAndPepperNoiseAttack()]) {
      const c = robustnessCurve(clf, { images: x, labels }, attack, [0, 0.5], { seed: 1 });
      expect(c.accuracy[0].mean).toBe(1);
      expect(c.accuracy[0].sem).toBeNull();
      expect(c.attack).toMatch(/noise$/);
    }
  });

  it('summarize computes the mean and the SEM sd/√R', () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.sem).toBeCloseTo(Math.sqrt(5 / 3 / 4), 12);
    expect(summarize([null, 2]).mean).toBe(2);
    expect(summarize([null]).mean).toBeNull();
  });

  it('rejects missing labels, mismatched counts, ε < 0, empty grids and missing seeds', () => {
    const a = gaussianNoiseAttack();
    expect(() => robustnessCurve(clf, { images: x } as never, a, [0], { seed: 1 })).toThrow(
      MissingLabelsError,
    );
    expect(() => robustnessCurve(clf, { images: x, labels: [0, 1] }, a, [0], { seed: 1 })).toThrow(
      ShapeMismatchError,
    );
    expect(() => robustnessCurve(clf, { images: x, labels }, a, [0, -0.1], { seed: 1 })).toThrow(
      InvalidEpsilonError,
    );
    expect(() => robustnessCurve(clf, { images: x, labels }, a, [], { seed: 1 })).toThrow(InvalidOptionError);
    expect(() => robustnessCurve(clf, { images: x, labels }, a, [0], {} as { seed: number })).toThrow(/seed/);
    expect(() => robustnessCurve(clf, { images: x, labels }, a, [0], { seed: 1, repeats: 0 })).toThrow(
      InvalidOptionError,
    );
  });
});
