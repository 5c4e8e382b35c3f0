import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { SimilarityError } from '@pixsim/similarity';
import {
  InvalidInputError,
  InvalidOptionError,
  NonFiniteValueError,
  RegularizerError,
  ShapeMismatchError,
} from './errors';
import { evaluateClassifier, evaluateSimilarity } from './evaluate';
import { ImageStore, scaleInputs, taskInputScaling } from './image-set';
import { cyclicStepDecay } from './lr-schedule';
import { PairSampler } from './pair-sampler';
import { deriveSeed, mulberry32, permutation } from './random';
import { SimilarityRegularizer } from './similarity-regularizer';
import { stratifiedHoldOut } from './split';
import {
  categoricalPairTargets,
  matrixTargets,
  neuralTargets,
  type PairTargets,
  pixelTargets,
  targetsOf,
  thresholdedPixelTargets,
} from './targets';
import { regularizationLoss, taskLossOf, trainStep } from './train-step';

/** A two-class conv net over [6, 6, 1] images with taps c1, c2 (shared by every run). */
function tinyModel(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotNormal({ seed: 40 + s });
  const input = tfl.input({ shape: [6, 6, 1] });
  const c1 = tfl.layers
    .conv2d({
      filters: 2,
      kernelSize: 3,
      padding: 'same',
      activation: 'tanh',
      name: 'c1',
      kernelInitializer: init(1),
    })
    .apply(input) as tfl.SymbolicTensor;
  const c2 = tfl.layers
    .conv2d({
      filters: 2,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      name: 'c2',
      kernelInitializer: init(2),
    })
    .apply(c1) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(c2) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, kernelInitializer: init(3) }).apply(f) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const model = tinyModel();
const reg = new SimilarityRegularizer({ model, taps: ['c1', 'c2'] });
const optimizer = tf.train.sgd(0.01);
const px = (n: number, seed: number) => tf.randomUniform([n, 6, 6, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
const imageSet = () => ({ images: new Float32Array(4 * 36).map((_, i) => (i % 7) / 7), shape: [4, 6, 6, 1] });
const store = new ImageStore(imageSet());
const targets: PairTargets = categoricalPairTargets([0, 1, 0, 1]);
/** Pairs that do not fit 4 regularization images, or are not pairs. */
const badPairs = [
  () => Int32Array.of(0, 1, 2),
  () => Int32Array.of(0, 9),
  () => Int32Array.of(-1, 2),
  () => [0, 1],
  () => new Int32Array(0),
];
const badTargets = [
  () => ({ ...targets, n: 9 }),
  () => ({ ...targets, matrix: new Float32Array(3) }),
  () => ({ kind: 'x', n: 4 }),
];
const pairBatch = () => ({ a: px(2, 1), b: px(2, 2), targets: [0.5, -0.5] });
const badPairBatch = [
  () => ({ a: px(2, 1), b: px(3, 2), targets: [0.5, -0.5] }),
  () => ({ a: px(2, 1), b: px(2, 2), targets: [0.5] }),
  () => ({ a: px(2, 1), b: px(2, 2), targets: [2, 0] }),
  () => ({ a: px(2, 1), b: px(2, 2), targets: tf.tensor1d([Number.NaN, 0]) }),
  () => ({ a: tf.fill([2, 6, 6, 1], Number.NaN), b: px(2, 2), targets: [0, 0] }),
  () => ({ a: tf.randomUniform([2, 6, 6]), b: px(2, 2), targets: [0, 0] }),
];
const stepOptions = (inputs: tf.Tensor = px(2, 3)) => ({ model, optimizer, inputs, labels: [0, 1] });
const badStepOptions = [
  () => ({ ...stepOptions(), labels: [0, 2] }),
  () => ({ ...stepOptions(), labels: [0.5, 1] }),
  () => ({ ...stepOptions(), labels: [0] }),
  () => stepOptions(tf.randomUniform([2, 6, 6, 1], 0, 255, 'float32', 3)),
  () => stepOptions(tf.randomUniform([2, 5, 5, 1])),
  () => stepOptions(tf.randomUniform([2, 6, 6, 3])),
  () => ({ ...stepOptions(), taskLoss: 'hinge' }),
  () => ({ ...stepOptions(), alpha: Number.NaN }),
  () => ({ ...stepOptions(), regularizer: reg, pairs: badPairBatch[0]() }),
  () => ({ ...stepOptions(), regularizer: reg }),
  () => ({ ...stepOptions(), optimizer: null }),
  () => ({ ...stepOptions(), model: null }),
];

/** Every public function of @pixsim/regularizer that takes data. */
const subjects: Subject[] = [
  {
    name: 'targetsOf',
    args: () => [targets, Int32Array.of(0, 1, 2, 3)],
    call: (t, p) => targetsOf(t as PairTargets, p as Int32Array),
    bad: { 0: badTargets, 1: badPairs },
  },
  {
    name: 'thresholdedPixelTargets',
    args: () => [imageSet(), { th: 0.2 }],
    call: (s, o) => thresholdedPixelTargets(s as never, o as never),
    bad: {
      0: [() => ({ images: new Float32Array(10), shape: [4, 6, 6, 1] }), () => ({ images: px(1, 1) })],
      1: [
        () => ({ th: 1.5 }),
        () => ({ th: 0.2, range: 'mid' }),
        () => ({ th: 0.2, range: 'double', th2: Number.NaN }),
      ],
    },
  },
  {
    name: 'pixelTargets',
    args: () => [{ images: px(3, 4) }, {}],
    call: (s, o) => pixelTargets(s as never, o as never),
    bad: {
      0: [
        () => ({ images: tf.fill([3, 6, 6, 1], Number.NaN) }),
        () => ({ images: tf.randomUniform([3, 6, 6, 1], 0, 255, 'float32', 3) }),
      ],
    },
  },
  {
    name: 'categoricalPairTargets',
    args: () => [[0, 1, 0], {}],
    call: (l, o) => categoricalPairTargets(l as number[], o as never),
    bad: { 0: [() => [0.5, 1], () => [Number.NaN, 1]], 1: [() => ({ range: 'nope' })] },
  },
  {
    name: 'neuralTargets',
    args: () => [tf.randomNormal([3, 4], 0, 1, 'float32', 5), {}],
    call: (r, o) => neuralTargets(r as tf.Tensor2D, o as never),
    bad: {
      0: [() => ({ values: new Float32Array(5), shape: [3, 4] }), () => tf.fill([3, 4], Number.NaN)],
      1: [() => ({ threshold: 3 }), () => ({ threshold: Number.NaN })],
    },
  },
  {
    name: 'matrixTargets',
    args: () => [Float32Array.of(1, 0.5, 0.5, 1), {}],
    call: (m, o) => matrixTargets(m as Float32Array, o as never),
    bad: {
      0: [
        () => Float32Array.of(1, 0.5, 0.5),
        () => Float32Array.of(1, 3, 3, 1),
        () => tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]),
      ],
      1: [() => ({ selectFrom: Float32Array.of(1) })],
    },
  },
  {
    name: 'PairSampler',
    args: () => [Int32Array.of(0, 1, 0, 2, 1, 2), { batchSize: 2, seed: 1 }],
    call: (p, o) => new PairSampler(p as Int32Array, o as never).next(),
    bad: {
      0: badPairs,
      1: [
        () => ({ batchSize: 1.5, seed: 1 }),
        () => ({ batchSize: 2, seed: 0.5 }),
        () => ({ batchSize: 9, seed: 1 }),
      ],
    },
  },
  {
    name: 'PairSampler.setState',
    args: () => [{ seed: 1, batchSize: 2, pairCount: 3, pass: 1, cursor: 0 }],
    call: (st) => {
      const sampler = new PairSampler(Int32Array.of(0, 1, 0, 2, 1, 2), { batchSize: 2, seed: 1 });
      sampler.setState(st as never);
      return sampler.next();
    },
    bad: {
      0: [
        () => ({ seed: 1, batchSize: 2, pairCount: 4, pass: 1, cursor: 0 }),
        () => ({ seed: 1, batchSize: 2, pairCount: 3, pass: 1.5, cursor: 0 }),
        () => ({ seed: 1, batchSize: 2, pairCount: 3, pass: 1, cursor: 9 }),
        () => ({ seed: 1, batchSize: 2, pairCount: 3, pass: -1, cursor: 0 }),
      ],
    },
  },
  {
    name: 'SimilarityRegularizer.lossOf',
    args: () => [px(2, 1), px(2, 2), [0.5, -0.5], { updateRunningMeans: false }],
    call: (a, b, t, o) => reg.lossOf(a as tf.Tensor4D, b as tf.Tensor4D, t as number[], o as never),
    bad: {
      2: [() => [2, 0], () => tf.tensor1d([0, Number.NaN]), () => [0.5]],
      3: [() => ({ centres: [tf.zeros([5])] })],
    },
  },
  {
    name: 'ImageStore',
    args: () => [imageSet(), 'images'],
    call: (s, w) => new ImageStore(s as never, w as string).n,
    bad: {
      0: [
        () => ({ images: new Float32Array(10), shape: [4, 6, 6, 1] }),
        () => ({ images: new Float32Array(36), shape: [1, 6, 6, 1.5] }),
        () => ({ images: new Uint8Array(36), shape: [1, 6, 6, 1], labels: [3, 1] }),
        () => ({ images: px(2, 1), labels: [0.5, 1] }),
      ],
    },
  },
  {
    name: 'ImageStore.gather',
    args: () => [Int32Array.of(0, 3)],
    call: (i) => store.gather(i as Int32Array),
    bad: { 0: [() => [0, 4], () => [0.5], () => [-1]] },
  },
  {
    name: 'scaleInputs',
    args: () => [px(1, 1), 'reference'],
    // An elementwise map: NaN stays NaN (documented), so the result's shape is what is judged.
    call: (x, s) => {
      const y = tf.tidy(() => scaleInputs(x as tf.Tensor4D, s as never));
      y.dispose();
      return y.shape;
    },
    bad: { 1: [() => 'pixels'] },
  },
  { name: 'taskInputScaling', args: () => ['mnist'], call: (n) => taskInputScaling(n as string) },
  {
    name: 'stratifiedHoldOut',
    args: () => [[0, 1, 0, 1, 0, 1], 0.25, 3],
    call: (l, f, s) => stratifiedHoldOut(l as number[], f as number, s as number),
    bad: { 0: [() => [0.5, 1], () => [Number.NaN, 1]], 2: [() => 1.5] },
  },
  {
    name: 'cyclicStepDecay',
    args: () => [{ initial: 0.1, factor: 0.5, every: 2, cycle: 6 }],
    call: (o) => cyclicStepDecay(o as never)(3),
    bad: {
      0: [
        () => ({ every: 0 }),
        () => ({ every: 1.5 }),
        () => ({ factor: Number.NaN }),
        () => ({ cycle: -1 }),
      ],
    },
  },
  {
    name: 'cyclicStepDecay(epoch)',
    args: () => [3],
    call: (e) => cyclicStepDecay()(e as number),
  },
  { name: 'mulberry32', args: () => [5], call: (s) => mulberry32(s as number)() },
  { name: 'permutation', args: () => [4, 1], call: (n, s) => permutation(n as number, s as number) },
  { name: 'deriveSeed', args: () => [4, 1], call: (s, i) => deriveSeed(s as number, i as number) },
  {
    name: 'regularizationLoss',
    args: () => [reg, pairBatch(), {}],
    call: (r, b, o) => regularizationLoss(r as SimilarityRegularizer, b as never, o as never),
    keep: [0],
    bad: { 1: badPairBatch, 2: [() => ({ pairPasses: 'twice' })] },
  },
  {
    name: 'SimilarityRegularizer.pairSimilarities',
    args: () => [px(2, 1), px(2, 2), {}],
    call: (a, b, o) => reg.pairSimilarities(a as tf.Tensor4D, b as tf.Tensor4D, o as never),
    bad: { 1: [() => px(3, 2)] },
  },
  {
    name: 'SimilarityRegularizer.tapMeans',
    args: () => [px(2, 1), {}],
    call: (a, o) => reg.tapMeans(a as tf.Tensor4D, o as never),
  },
  {
    name: 'SimilarityRegularizer.setState',
    args: () => [{ a: tf.zeros([2]) }],
    call: (s) => reg.setState(s as tf.NamedTensorMap),
  },
  {
    name: 'SimilarityRegularizer',
    args: () => [{ model, taps: ['c1', 'c2'] }],
    call: (o) => new SimilarityRegularizer(o as never).dispose(),
    bad: {
      0: [
        () => ({ model, taps: ['nope'] }),
        () => ({ model, taps: [] }),
        () => ({ model, taps: ['c1'], momentum: 1.5 }),
        () => ({ model, taps: ['c1'], loss: 'cosine' }),
        () => ({ model, taps: ['c1'], eps: -1 }),
        () => ({ model, taps: ['c1'], tapWeights: 'loud' }),
      ],
    },
  },
  {
    name: 'taskLossOf',
    args: () => ['logits', tf.tensor1d([0, 1], 'int32'), tf.tensor2d([1, 2, 3, 4], [2, 2])],
    call: (k, l, o) => tf.tidy(() => taskLossOf(k as never, l as tf.Tensor1D, o as tf.Tensor)),
    bad: { 0: [() => 'hinge'], 1: [() => tf.tensor1d([0, 5], 'int32')] },
  },
  {
    name: 'trainStep',
    args: () => [stepOptions()],
    call: (o) => trainStep(o as never),
    bad: { 0: badStepOptions },
  },
  {
    name: 'evaluateClassifier',
    args: () => [model, store, [0, 1], { inputScaling: 'unit' }],
    call: (m, s, i, o) => evaluateClassifier(m as never, s as ImageStore, i as number[], o as never),
    keep: [0],
    bad: { 2: [() => [0, 9], () => [0.5]], 3: [() => ({ batchSize: 0 }), () => ({ batchSize: 1.5 })] },
  },
  {
    name: 'evaluateSimilarity',
    args: () => [reg, store, targets, Int32Array.of(0, 1, 2, 3), {}],
    call: (r, s, t, p, o) =>
      evaluateSimilarity(
        r as SimilarityRegularizer,
        s as ImageStore,
        t as PairTargets,
        p as Int32Array,
        o as never,
      ),
    keep: [0],
    bad: { 2: badTargets, 3: badPairs },
  },
];

/**
 * The regularizer's own faults are RegularizerErrors; faults found by the @pixsim/similarity functions
 * it calls (NaN images, thresholds outside (0, 1), unknown pair ranges) reach the caller as those
 * functions' typed SimilarityErrors, with their codes and fixes.
 */
const isTyped = (e: unknown) => RegularizerError.is(e) || SimilarityError.is(e);

describe('every public function of @pixsim/regularizer, on generated bad inputs', () => {
  it('throws a typed RegularizerError (or SimilarityError) or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, isTyped, { numRuns: 80 });
    expect(reg.isDisposed).toBe(false);
  });
});

describe('regressions found by the bad-input suite', () => {
  it('targetsOf refuses pair indices outside the targets and odd-length pair lists', () => {
    expect(() => targetsOf(targets, Int32Array.of(0, 4))).toThrow(ShapeMismatchError);
    expect(() => targetsOf(targets, Int32Array.of(0, -1))).toThrow(/outside the 4 regularization images/);
    expect(() => targetsOf(targets, Int32Array.of(0, 1, 2))).toThrow(InvalidInputError);
    expect(Array.from(targetsOf(targets, Int32Array.of(0, 2, 0, 1)))).toEqual([1, 0]);
  });

  it('a NaN pair image is refused before it can poison the running means', () => {
    const before = reg.runningMeanValues().map((t) => {
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    const a = tf.fill([2, 6, 6, 1], Number.NaN) as tf.Tensor4D;
    const b = px(2, 2);
    const count = tf.memory().numTensors;
    expect(() => regularizationLoss(reg, { a, b, targets: [0, 0] })).toThrow(NonFiniteValueError);
    expect(() => reg.pairSimilarities(b, a)).toThrow(/b contains NaN/);
    expect(tf.memory().numTensors).toBe(count);
    const after = reg.runningMeanValues().map((t) => {
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    expect(after).toEqual(before);
    tf.dispose([a, b]);
  });

  it('fractional or non-numeric seeds and sizes are InvalidOptionErrors', () => {
    expect(() => permutation(2.5, 1)).toThrow(InvalidOptionError);
    expect(() => permutation(3, 0.5)).toThrow(InvalidOptionError);
    expect(() => mulberry32(1.5)).toThrow(InvalidOptionError);
    expect(() => deriveSeed(1, 0.25)).toThrow(InvalidOptionError);
    expect(() => stratifiedHoldOut([0, 1, 0, 1], 0.25, 1.5)).toThrow(InvalidOptionError);
    expect(() => cyclicStepDecay()(1.5)).toThrow(InvalidOptionError);
    expect(permutation(3, 1)).toHaveLength(3);
  });

  it('trainStep with a null optimizer is an InvalidOptionError, not a crash', () => {
    const inputs = px(2, 3);
    expect(() => trainStep({ model, optimizer: null as never, inputs, labels: [0, 1] })).toThrow(
      InvalidOptionError,
    );
    inputs.dispose();
  });
});
