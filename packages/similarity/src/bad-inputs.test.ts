import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { cosineSimilarity } from './cosine';
import { SimilarityError } from './errors';
import { atanhSquaredLoss, mseLoss } from './losses';
import { selectPairs } from './pairs';
import { pixelSimilarity } from './pixel-similarity';
import { averageRanks, pearsonCorrelation, rsaCorrelation, upperTriangle } from './rsa';
import { similarityMatrix } from './similarity-matrix';
import { categoricalTargets, thresholdTargets } from './targets';

const square = () => Float32Array.from([1, 0.5, -0.2, 0.5, 1, 0.1, -0.2, 0.1, 1]);
const maps = (seed: number) => tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', seed);
const sims = () => tf.tensor1d([0.5, -0.2]);

/** Every public function of @pixsim/similarity. */
const subjects: Subject[] = [
  {
    name: 'cosineSimilarity',
    args: () => [maps(1), maps(2), {}],
    call: (a, b, o) => cosineSimilarity(a as tf.Tensor, b as tf.Tensor, o as object),
  },
  {
    name: 'atanhSquaredLoss',
    args: () => [sims(), tf.tensor1d([1, 0]), {}],
    call: (p, t, o) => atanhSquaredLoss(p as tf.Tensor, t as tf.Tensor, o as object),
    bad: { 0: [() => tf.tensor1d([1.5, 0])], 1: [() => tf.tensor1d([-3, 0])] },
  },
  {
    name: 'mseLoss',
    args: () => [sims(), tf.tensor1d([1, 0])],
    call: (p, t) => mseLoss(p as tf.Tensor, t as tf.Tensor),
  },
  {
    name: 'selectPairs',
    args: () => [square(), { range: 'high', th: 0.3 }],
    call: (s, o) => selectPairs(s as Float32Array, o as object),
  },
  {
    name: 'pixelSimilarity',
    args: () => [tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 3), {}],
    call: (x, o) => pixelSimilarity(x as tf.Tensor4D, o as object),
  },
  {
    name: 'similarityMatrix',
    args: () => [tf.randomNormal([3, 5], 0, 1, 'float32', 4), {}],
    call: (x, o) => similarityMatrix(x as tf.Tensor2D, o as object),
  },
  {
    name: 'rsaCorrelation',
    args: () => [square(), square(), {}],
    call: (a, b, o) => rsaCorrelation(a as Float32Array, b as Float32Array, o as object),
  },
  {
    name: 'upperTriangle',
    args: () => [square(), 3],
    call: (v, n) => upperTriangle(v as Float32Array, n as number),
    bad: { 1: [() => 4, () => 2] },
  },
  {
    name: 'averageRanks',
    args: () => [Float64Array.of(3, 1, 2)],
    call: (v) => averageRanks(v as Float64Array),
  },
  {
    name: 'pearsonCorrelation',
    args: () => [
      [1, 2, 3],
      [2, 4, 7],
    ],
    call: (x, y) => pearsonCorrelation(x as number[], y as number[]),
  },
  {
    name: 'thresholdTargets',
    args: () => [tf.tensor2d(square(), [3, 3]), 0.3],
    call: (s, th) => thresholdTargets(s as tf.Tensor2D, th as number),
  },
  { name: 'categoricalTargets', args: () => [[0, 1, 0]], call: (l) => categoricalTargets(l as number[]) },
];

describe('every public function of @pixsim/similarity, on generated bad inputs', () => {
  it('throws a typed SimilarityError or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, SimilarityError.is, { numRuns: 40 });
  });
});
