import { describeValue } from '@pixsim/core';
import type * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import { imagesToTensor, type PreprocessOptions } from './preprocess';
import { assertSeed } from './seed';
import { deriveSeed, mixSeed, mulberry32, permutation } from '@pixsim/core';

/**
 * Which N images of the data set regularize:
 * - `'random'` (default): N images drawn uniformly without replacement with `seed`;
 * - `'first'`: the reference code's choice, the first N images of the data set (pass its training split);
 * - `'spread'`: N images spread over the classes, one class after another in a seeded order, each class
 *   giving a seeded image per round, so N images cover min(N, classes) classes. Use it for a class-sorted
 *   folder (an ImageNet folder), where `'first'` would take the first few classes only.
 *
 * Whichever the choice, the N images are then shuffled with `seed` ({@link regularizationOrder}).
 */
export type RegularizationSelection = 'random' | 'first' | 'spread';

/** Options of {@link regularizationSet}. */
export interface RegularizationSetOptions extends PreprocessOptions {
  /** Number N of regularization images (the reference uses 5,000). */
  n: number;
  /** Seed of the choice (`'random'`, `'spread'`) and of the order of the images. */
  seed: number;
  /** Default `'random'`; `'first'` is the reference's. */
  selection?: RegularizationSelection;
}

/** N regularization images in the model's input format. */
export interface RegularizationSet {
  /** float32 `[N, H, W, C']`, preprocessed like the model's input. The caller disposes it. */
  images: tf.Tensor4D;
  /** Which images of the source data set were picked, in the set's order. */
  indices: Int32Array;
  /** Their labels (for categorical targets). */
  labels: Int32Array;
  /** The picked images as a uint8 data set (e.g. for `pixelSimilarity` of `@pixsim/similarity`). */
  dataset: ImageDataset;
}

/** Streams of the `'spread'` selection: the class order, and each class's image order. */
const SPREAD_CLASS_STREAM = 8;
const SPREAD_IMAGE_STREAM = 9;

/** Round-robin over the classes (seeded class order; seeded image order within each class). */
function spreadIndices(labels: Int32Array, classes: number, n: number, seed: number): Int32Array {
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) members[labels[i]].push(i);
  const order = permutation(classes, mulberry32(mixSeed(seed, SPREAD_CLASS_STREAM)));
  const within = members.map((m, c) =>
    Array.from(
      permutation(m.length, mulberry32(mixSeed(mixSeed(seed, c), SPREAD_IMAGE_STREAM))),
      (k) => m[k],
    ),
  );
  const out = new Int32Array(n);
  let taken = 0;
  for (let round = 0; taken < n; round++) {
    for (const c of order) {
      if (taken === n) break;
      if (round < within[c].length) out[taken++] = within[c][round];
    }
  }
  return out;
}

/**
 * Stream of the regularization images' choice (`'random'`) and order: the derivation the `pixsim` CLI has
 * always used, so the library and the CLI pick the same images in the same order for a seed.
 */
const REGULARIZATION_STREAM = 0x7e61;

function checkSelection(
  fn: string,
  dataset: ImageDataset,
  n: number,
  seed: number,
  selection: unknown,
): void {
  if (selection !== 'random' && selection !== 'first' && selection !== 'spread') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: selection must be 'random', 'first' (the reference: the first N images, shuffled) or 'spread' ` +
        `(over the classes), got ${JSON.stringify(selection)}.`,
    );
  }
  assertSeed(fn, seed);
  if (!Number.isInteger(n) || n < 0 || n > dataset.size) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: n must be an integer in [0, ${dataset.size}] (the size of ${dataset.name}), got ${describeValue(n)}. ` +
        'Ask for at most as many images as the data set holds.',
    );
  }
}

/**
 * Which N images of `dataset` regularize, before they are ordered: `'first'` → `0 … N−1`; `'random'` → N
 * distinct indices drawn with `seed`, ascending; `'spread'` → round-robin over the classes (see
 * {@link RegularizationSelection}). Only the labels and the size of `dataset` are read, so a labels-only data
 * set of a folder's files serves (the CLI decodes the chosen files only).
 */
export function regularizationChoice(
  dataset: ImageDataset,
  n: number,
  seed: number,
  selection: RegularizationSelection = 'random',
): Int32Array {
  checkSelection('regularizationChoice', dataset, n, seed, selection);
  if (selection === 'spread') return spreadIndices(dataset.labels, dataset.classNames.length, n, seed);
  if (selection === 'first') return Int32Array.from({ length: n }, (_, i) => i);
  const drawn = permutation(dataset.size, mulberry32(deriveSeed(seed, REGULARIZATION_STREAM, 1)));
  return Int32Array.from(drawn.subarray(0, n)).sort();
}

/** The seeded order of `count` chosen regularization images: a permutation of `0 … count−1`. */
export function regularizationOrder(count: number, seed: number): Int32Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `regularizationOrder: count must be an integer ≥ 0, got ${describeValue(count)}.`,
    );
  }
  assertSeed('regularizationOrder', seed);
  return permutation(count, mulberry32(deriveSeed(seed, REGULARIZATION_STREAM)));
}

/**
 * The indices {@link regularizationSet} picks, in the set's order: the {@link regularizationChoice} of
 * `selection`, shuffled by {@link regularizationOrder}. The `pixsim` CLI picks exactly these.
 */
export function regularizationIndices(
  dataset: ImageDataset,
  n: number,
  seed: number,
  selection: RegularizationSelection = 'random',
): Int32Array {
  checkSelection('regularizationSet', dataset, n, seed, selection);
  const chosen = regularizationChoice(dataset, n, seed, selection);
  const order = regularizationOrder(chosen.length, seed);
  return Int32Array.from(order, (k) => chosen[k]);
}

/**
 * Picks `n` images of `dataset` as the regularization set: the images whose pixel similarity gives the
 * target `S^Th`, and from which the regularizer's pair sampler draws pairs (i, j). By default a seeded
 * uniform subset; `selection: 'first'` takes the first N images shuffled, as the reference does. Pass the
 * preprocessing of the model's task (for a CIFAR classifier regularized by another data set, `scale:
 * 'paper'`) so the images are in the model's input format.
 */
export function regularizationSet(
  dataset: ImageDataset,
  options: RegularizationSetOptions,
): RegularizationSet {
  if (options == null || typeof options !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      'regularizationSet: pass { n, seed } (and the preprocessing options of the model).',
    );
  }
  const indices = regularizationIndices(dataset, options.n, options.seed, options.selection);
  const picked = dataset.select(indices, 'subset');
  const images = imagesToTensor(picked, undefined, options);
  return { images, indices, labels: picked.labels, dataset: picked };
}
