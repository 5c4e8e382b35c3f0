import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs gradients and gives tf.sequential, as any tfjs-layers program does.
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  boundaryAttack,
  fgsmAttack,
  gaussianNoiseAttack,
  saltAndPepperNoiseAttack,
  uniformNoiseAttack,
} from './attack-specs';
import { runBoundaryAttack } from './boundary-attack';
import { createClassifier } from './classifier';
import { InvalidLabelsError, InvalidOptionError } from './errors';
import { fgsm } from './fgsm';
import { pgd } from './pgd';
import { robustnessCurve } from './robustness-curve';
import { linearModel, uniformImages } from './test-helpers';

// A 3-class linear model over [2, 4, 4, 1] images in [0, 1].
const lin = linearModel(16, 3, 5);
const x = uniformImages([2, 4, 4, 1], 0, 1, 9);
afterAll(() => x.dispose());

/** A label that is not a class of a 3-class model: ≥ 3, negative, fractional or not finite. */
const badLabel = fc.oneof(
  fc.integer({ min: 3, max: 1000 }),
  fc.integer({ min: -1000, max: -1 }),
  fc.double({ min: -10, max: 10, noInteger: true, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
/** Two labels, at least one of them bad, in either position. */
const badPair = fc
  .tuple(badLabel, fc.integer({ min: 0, max: 2 }), fc.boolean())
  .map(([bad, good, first]) => (first ? [bad, good] : [good, bad]));

const attacks = [
  () => gaussianNoiseAttack(),
  () => uniformNoiseAttack(),
  () => saltAndPepperNoiseAttack(),
  () => fgsmAttack(),
  () => boundaryAttack({ steps: 2, initDirections: 5 }),
];

describe('labels that are not classes of the model', () => {
  it('robustnessCurve refuses them with InvalidLabelsError before the model runs, for every attack', () => {
    // K known up front: the model must not be queried at all.
    const known = createClassifier(lin.logits, { numClasses: 3 });
    fc.assert(
      fc.property(badPair, fc.integer({ min: 0, max: attacks.length - 1 }), (labels, a) => {
        const before = tf.memory().numTensors;
        lin.rows.count = 0;
        expect(() =>
          robustnessCurve(known, { images: x, labels }, attacks[a](), [0, 0.1], { seed: 1 }),
        ).toThrow(InvalidLabelsError);
        expect(lin.rows.count).toBe(0);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('a plain-function classifier learns K from one image, once, and refuses the same labels', () => {
    const plain = createClassifier(lin.logits);
    expect(plain.numClasses).toBeUndefined();
    fc.assert(
      fc.property(badPair, fc.integer({ min: 0, max: attacks.length - 1 }), (labels, a) => {
        const before = tf.memory().numTensors;
        const call = () => robustnessCurve(plain, { images: x, labels }, attacks[a](), [0.1], { seed: 2 });
        expect(call).toThrow(InvalidLabelsError);
        expect(call).toThrow(/labels must (be integers in \[0, K\)|lie in \[0, 3\))/);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 40, seed: 16 },
    );
    // The label = K case the issue names, with its message.
    expect(() =>
      robustnessCurve(plain, { images: x, labels: [0, 3] }, gaussianNoiseAttack(), [0], { seed: 1 }),
    ).toThrow(/label 1 is 3, not a class of a model with 3 outputs/);
    // Valid labels still give the curve.
    const curve = robustnessCurve(plain, { images: x, labels: [0, 2] }, gaussianNoiseAttack(), [0], {
      seed: 1,
    });
    expect(curve.cleanAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('runBoundaryAttack refuses given labels outside the classes; the probe is a counted query', () => {
    const plain = createClassifier(lin.logits);
    const before = tf.memory().numTensors;
    for (const labels of [
      [0, 3],
      [-1, 0],
      [0, 1.5],
      [Number.NaN, 0],
    ]) {
      expect(() => runBoundaryAttack(plain, x, { seed: 1, steps: 2, labels })).toThrow(InvalidLabelsError);
    }
    expect(tf.memory().numTensors).toBe(before);
    // A fresh classifier probes once; its queries still add up to the rows the model saw.
    const fresh = createClassifier(lin.logits);
    lin.rows.count = 0;
    const r = runBoundaryAttack(fresh, x, { seed: 1, steps: 2, initDirections: 5, labels: [0, 1] });
    r.adversarials.dispose();
    expect(r.queries.reduce((s, q) => s + q, 0)).toBe(lin.rows.count);
  });

  it('fgsm and pgd check labels against a known K before any forward pass', () => {
    const known = createClassifier(lin.logits, { numClasses: 3 });
    lin.rows.count = 0;
    const before = tf.memory().numTensors;
    expect(() => fgsm(known, x, [0, 3], 0.1)).toThrow(/not a class of a model with 3 outputs/);
    expect(() => pgd(known, x, [5, 0], 0.1, { steps: 2, seed: 1 })).toThrow(InvalidLabelsError);
    expect(lin.rows.count).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createClassifier numClasses', () => {
  it('reads K from a tf.LayersModel output shape, and takes an explicit count', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 5 })],
    });
    expect(createClassifier(model).numClasses).toBe(5);
    expect(createClassifier(lin.logits, { numClasses: 3 }).numClasses).toBe(3);
    model.dispose();
  });

  it('refuses a count that is not a positive integer', () => {
    for (const numClasses of [0, -2, 1.5, Number.NaN, '3']) {
      expect(() => createClassifier(lin.logits, { numClasses: numClasses as number })).toThrow(
        InvalidOptionError,
      );
    }
  });
});
