import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs gradients (tfjs-core alone has none), as any tfjs-layers program does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import {
  boundaryAttack,
  fgsmAttack,
  gaussianNoiseAttack,
  pgdAttack,
  saltAndPepperNoiseAttack,
  uniformNoiseAttack,
} from './attack-specs';
import { runBoundaryAttack } from './boundary-attack';
import { type Classifier, createClassifier, predictLabels, scaleShift, toGrey } from './classifier';
import {
  AttackError,
  DisposedTensorError,
  InvalidClassifierError,
  InvalidLabelsError,
  ShapeMismatchError,
} from './errors';
import { fgsm } from './fgsm';
import { lossGradient } from './gradient';
import { addNoise, gaussianNoise, saltAndPepperNoise, uniformNoise } from './noise';
import { pgd } from './pgd';
import { robustnessCurve } from './robustness-curve';
import { linearModel, uniformImages } from './test-helpers';

// A 3-class linear model over [2, 4, 4, 1] images in [0, 1], shared by every run (kept, not generated).
const lin = linearModel(16, 3, 5);
const clf: Classifier = createClassifier(lin.logits, { bounds: [0, 1] });
const images = () => uniformImages([2, 4, 4, 1], 0, 1, 9);
const labels = () => Int32Array.of(0, 2);
/** Labels that are not classes of a 3-class model: each must be refused before a tensor is made. */
const badLabels = [
  () => Int32Array.of(3, 0),
  () => [0, 7],
  () => [-1, 0],
  () => [0.5, 1],
  () => [Number.NaN, 1],
  () => tf.tensor1d([0, 5], 'int32'),
  () => [0, 1, 2],
];
const badEpsilon = [() => -0.1, () => Number.NaN, () => 2];
const noiseOptions = () => ({ seed: 3 });
const badNoiseOptions = [
  () => ({ seed: 1.5 }),
  () => ({ seed: 3, clamp: 'sometimes' }),
  () => ({ seed: 3, bounds: [1, 0] }),
  () => ({ seed: 3, indexOffset: -2 }),
  () => ({ seed: 3, indexOffset: 0.5 }),
];

/** An attack factory, judged through the robustness curve that runs the attack it makes. */
function factory(
  name: string,
  make: (o: never) => Parameters<typeof robustnessCurve>[2],
  bad: (() => unknown)[],
): Subject {
  return {
    name,
    args: () => [{}, images()],
    call: (o, x) =>
      robustnessCurve(clf, { images: x as tf.Tensor4D, labels: labels() }, make(o as never), [0.1], {
        seed: 1,
      }),
    keep: [1],
    bad: { 0: bad },
  };
}

/** Every public function of @pixsim/attacks that takes data. */
const subjects: Subject[] = [
  factory('gaussianNoiseAttack', gaussianNoiseAttack, [() => ({ clamp: 'sometimes' })]),
  factory('uniformNoiseAttack', uniformNoiseAttack, [() => ({ clamp: 7 })]),
  factory('saltAndPepperNoiseAttack', saltAndPepperNoiseAttack, [() => ({ clamp: 'none' })]),
  factory('fgsmAttack', fgsmAttack, [() => ({ surrogate: {} })]),
  factory('pgdAttack', pgdAttack, [
    () => ({ steps: 0 }),
    () => ({ norm: 'l1' }),
    () => ({ steps: 1, surrogate: 3 }),
  ]),
  // Accepted options run the attack: its default 25,000 steps are capped at 2 to keep the suite fast.
  factory(
    'boundaryAttack',
    (o: unknown) =>
      boundaryAttack(
        (o === undefined || (typeof o === 'object' && o !== null && !Array.isArray(o))
          ? { steps: 2, ...(o as object) }
          : o) as never,
      ),
    [() => ({ steps: -1 }), () => ({ sphericalStep: Number.NaN })],
  ),
  {
    name: 'addNoise',
    args: () => ['gaussian', images(), 0.1, noiseOptions()],
    call: (k, x, e, o) => addNoise(k as 'gaussian', x as tf.Tensor4D, e as number, o as never),
    bad: { 0: [() => 'pink'], 2: badEpsilon, 3: badNoiseOptions },
  },
  {
    name: 'gaussianNoise',
    args: () => [images(), 0.1, noiseOptions()],
    call: (x, e, o) => gaussianNoise(x as tf.Tensor4D, e as number, o as never),
    bad: { 1: badEpsilon, 2: badNoiseOptions },
  },
  {
    name: 'uniformNoise',
    args: () => [images(), 0.1, noiseOptions()],
    call: (x, e, o) => uniformNoise(x as tf.Tensor4D, e as number, o as never),
    bad: { 1: badEpsilon, 2: badNoiseOptions },
  },
  {
    name: 'saltAndPepperNoise',
    args: () => [images(), 0.1, noiseOptions()],
    call: (x, e, o) => saltAndPepperNoise(x as tf.Tensor4D, e as number, o as never),
    bad: { 1: badEpsilon, 2: badNoiseOptions },
  },
  {
    name: 'fgsm',
    args: () => [clf, images(), labels(), 0.1, {}],
    call: (c, x, y, e, o) =>
      fgsm(c as Classifier, x as tf.Tensor4D, y as Int32Array, e as number, o as object),
    bad: {
      0: [() => ({}), () => createClassifier(() => tf.zeros([2, 2]))],
      2: badLabels,
      3: badEpsilon,
      4: [() => ({ surrogate: 'x' })],
    },
  },
  {
    name: 'pgd',
    args: () => [clf, images(), labels(), 0.1, { steps: 2, seed: 1 }],
    call: (c, x, y, e, o) =>
      pgd(c as Classifier, x as tf.Tensor4D, y as Int32Array, e as number, o as object),
    bad: {
      2: badLabels,
      3: badEpsilon,
      4: [
        () => ({ steps: 2.5, seed: 1 }),
        () => ({ steps: 2, seed: 1.5 }),
        () => ({ steps: 2, seed: 1, norm: 'l3' }),
        () => ({ steps: 2, seed: 1, indexOffset: -1 }),
        () => ({ steps: 2, seed: 1, stepSize: Number.NaN }),
      ],
    },
  },
  {
    name: 'lossGradient',
    args: () => [clf, images(), labels()],
    call: (c, x, y) => lossGradient(c as Classifier, x as tf.Tensor4D, y as Int32Array),
    bad: { 2: badLabels },
  },
  {
    name: 'createClassifier',
    args: () => [lin.logits, { bounds: [0, 1] }],
    call: (m, o) => createClassifier(m as never, o as object),
    bad: { 1: [() => ({ bounds: [1, 0] }), () => ({ preprocess: 'grey' }), () => ({ preprocess: [null] })] },
  },
  {
    name: 'scaleShift',
    args: () => [2, 0.5],
    call: (a, b) => scaleShift(a as number, b as number),
  },
  {
    name: 'toGrey',
    args: () => [],
    call: () => toGrey(),
  },
  {
    name: 'predictLabels',
    args: () => [clf, images()],
    call: (c, x) => predictLabels(c as Classifier, x as tf.Tensor4D),
  },
  {
    name: 'runBoundaryAttack',
    args: () => [clf, images(), { seed: 2, steps: 2, labels: labels() }],
    call: (c, x, o) => runBoundaryAttack(c as Classifier, x as tf.Tensor4D, o as never),
    bad: {
      2: [
        () => ({ seed: 2, steps: 2, labels: [0, 9] }),
        () => ({ seed: 2, steps: -1 }),
        () => ({ seed: 2.5, steps: 2 }),
        () => ({ seed: 2, steps: 2, initDirections: 0 }),
        () => ({ seed: 2, steps: 2, targetDistance: Number.NaN }),
      ],
    },
  },
  {
    name: 'robustnessCurve',
    args: () => [clf, { images: images(), labels: labels() }, gaussianNoiseAttack(), [0, 0.1], { seed: 1 }],
    call: (c, d, a, e, o) =>
      robustnessCurve(c as Classifier, d as never, a as never, e as number[], o as never),
    bad: {
      1: [() => ({ images: images(), labels: [0, 4] }), () => ({ images: images() })],
      2: [() => fgsmAttack(), () => pgdAttack({ steps: 0 }), () => ({ kind: 'other' })],
      3: [() => [0.1, -1], () => [Number.NaN], () => [0.2, 0.1]],
      4: [() => ({ seed: 1, repeats: 0 }), () => ({ seed: 1, batchSize: 1.5 }), () => ({ seed: -0.5 })],
    },
  },
];

describe('every public function of @pixsim/attacks, on generated bad inputs', () => {
  it('throws a typed AttackError or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, AttackError.is, { numRuns: 100 });
  });
});

/** Runs `f`, which must throw `type`, and checks that no tensor is left behind. */
function throwsTidily(f: (x: tf.Tensor4D) => unknown, type: abstract new (...a: never[]) => Error) {
  const x = images();
  const before = tf.memory().numTensors;
  expect(() => f(x)).toThrow(type);
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
}

describe('regressions found by the bad-input suite', () => {
  it('fgsm, pgd and lossGradient refuse a label outside the model classes without leaking the tape', () => {
    const x = images();
    const before = tf.memory().numTensors;
    expect(() => fgsm(clf, x, [0, 3], 0.1)).toThrow(InvalidLabelsError);
    expect(() => pgd(clf, x, [0, 3], 0.1, { steps: 2, seed: 1 })).toThrow(InvalidLabelsError);
    expect(() => pgd(clf, x, [0, 3], 0.1, { steps: 2, randomStart: false })).toThrow(
      /not a class of a model with 3 outputs/,
    );
    expect(() => lossGradient(clf, x, Int32Array.of(7, 0))).toThrow(InvalidLabelsError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('a model that does not fit the images is a ShapeMismatchError, also inside tf.grad', () => {
    const wide = uniformImages([2, 5, 5, 1], 0, 1, 1);
    const before = tf.memory().numTensors;
    expect(() => lossGradient(clf, wide, Int32Array.of(0, 1))).toThrow(ShapeMismatchError);
    expect(() => fgsm(clf, wide, [0, 1], 0.1)).toThrow(/failed on images of shape \[2, 5, 5, 1\]/);
    expect(() => predictLabels(clf, wide)).toThrow(ShapeMismatchError);
    expect(tf.memory().numTensors).toBe(before);
    wide.dispose();
  });

  it('non-classifiers, disposed tensors and null options are typed errors', () => {
    throwsTidily((x) => fgsm(null as never, x, [0, 1], 0.1), InvalidClassifierError);
    throwsTidily((x) => predictLabels({} as never, x), InvalidClassifierError);
    throwsTidily((x) => pgd(clf, x, [0, 1], 0.1, null as never), AttackError);
    throwsTidily((x) => fgsm(clf, x, [0, 1], 0.1, { surrogate: 'x' as never }), InvalidClassifierError);
    const gone = images();
    gone.dispose();
    expect(() => fgsm(clf, gone, [0, 1], 0.1)).toThrow(DisposedTensorError);
    expect(() => gaussianNoise(gone, 0.1, { seed: 1 })).toThrow(/disposed tensor/);
    const eps = tf.scalar(0.1);
    eps.dispose();
    throwsTidily((x) => fgsm(clf, x, [0, 1], eps as never), AttackError);
  });

  it('robustnessCurve disposes its batch when the attack throws', () => {
    const x = images();
    const before = tf.memory().numTensors;
    expect(() =>
      robustnessCurve(clf, { images: x, labels: [0, 3] }, fgsmAttack(), [0.1], { seed: 1 }),
    ).toThrow(InvalidLabelsError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
