import { describeValue, isTensor } from '@pixsim/core';
import {
  categoricalTargets,
  type PairRange,
  pixelSimilarityReads,
  runReadsAsync,
  runReadsSync,
  selectPairsReads,
  similarityMatrix,
  type TensorReads,
  thresholdTargets,
  thresholdTargetsReads,
} from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError, NonFiniteValueError, ShapeMismatchError } from './errors';
import { type ImageSet, ImageStore } from './image-set';
import { assertPairList, assertPairTargets, readOptions } from './arguments';

/**
 * Similarity targets for the regularizer: the N×N matrix `S^target` over the N regularization images
 * and the list of i<j pairs the sampler draws from.
 */
export interface PairTargets {
  /** What produced the targets (`'thresholded-pixel'`, `'pixel'`, `'categorical'`, `'neural'`, `'matrix'`). */
  readonly kind: string;
  /** Number of regularization images N. */
  readonly n: number;
  /** `S^target`, row-major N×N, values in [−1, 1]. */
  readonly matrix: Float32Array;
  /** Selected pairs, interleaved `[i0, j0, i1, j1, …]` with i < j (from `selectPairs`). */
  readonly pairs: Int32Array;
}

/**
 * Which pairs are used: `range` (default `'all'`) with its thresholds `th` / `th2`, as in
 * `selectPairs` of `@pixsim/similarity`. Ranges are evaluated on the unthresholded similarity
 * (`S^pixel` for pixel targets, the response similarity for neural targets, the matrix itself otherwise).
 */
export interface PairRangeOptions {
  range?: PairRange;
  th?: number;
  th2?: number;
}

/** Options of {@link thresholdedPixelTargets}. */
export interface ThresholdedTargetOptions extends PairRangeOptions {
  /** The threshold `Th` of `S^Th` (eq. 3), in (0, 1); also the default `th` of the pair range. */
  th: number;
}

/**
 * The default targets `S^Th` (eq. 3): pixel similarity of the regularization images (grey, centred by
 * the mean image, cosine), thresholded at `Th` to −1 / 0 / +1 with an identity diagonal.
 *
 * @example
 * ```ts
 * import { thresholdedPixelTargets } from '@pixsim/regularizer';
 * // images: Uint8Array of 5,000 grey 28×28 images (0–255), or a Float32Array in [0, 1]
 * const targets = thresholdedPixelTargets({ images, shape: [5000, 28, 28, 1] }, { th: 0.2 });
 * targets.matrix; // S^Th, 5000×5000 row-major Float32Array of −1 / 0 / +1
 * targets.pairs; // the pairs i < j the sampler draws from: Int32Array [i0, j0, i1, j1, …]
 * ```
 */
export function thresholdedPixelTargets(images: ImageSet, options: ThresholdedTargetOptions): PairTargets {
  return runReadsSync(thresholdedPixelReads('thresholdedPixelTargets', images, options));
}

/**
 * {@link thresholdedPixelTargets} with asynchronous reads (`await data()`): works on every engine, the
 * `webgpu` engine in Node included. Same targets and errors.
 */
export async function thresholdedPixelTargetsAsync(
  images: ImageSet,
  options: ThresholdedTargetOptions,
): Promise<PairTargets> {
  return runReadsAsync(thresholdedPixelReads('thresholdedPixelTargetsAsync', images, options));
}

function* thresholdedPixelReads(
  fn: string,
  images: ImageSet,
  options: ThresholdedTargetOptions,
): TensorReads<PairTargets> {
  if (options == null || typeof options.th !== 'number') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options.th (the threshold Th in (0, 1)) is required, e.g. { th: 0.2 }.`,
    );
  }
  const raw = yield* pixelMatrixReads(images);
  try {
    const thresholded = yield* thresholdTargetsReads(raw, options.th);
    try {
      return yield* finishReads(fn, 'thresholded-pixel', thresholded, raw, options);
    } finally {
      thresholded.dispose();
    }
  } finally {
    raw.dispose();
  }
}

/** Raw pixel similarity `S^pixel` as targets (no thresholding). */
export function pixelTargets(images: ImageSet, options: PairRangeOptions = {}): PairTargets {
  return runReadsSync(pixelReads('pixelTargets', images, options));
}

/** {@link pixelTargets} with asynchronous reads (see {@link thresholdedPixelTargetsAsync}). */
export async function pixelTargetsAsync(
  images: ImageSet,
  options: PairRangeOptions = {},
): Promise<PairTargets> {
  return runReadsAsync(pixelReads('pixelTargetsAsync', images, options));
}

function* pixelReads(fn: string, images: ImageSet, options: PairRangeOptions): TensorReads<PairTargets> {
  readOptions(fn, options);
  const raw = yield* pixelMatrixReads(images);
  try {
    return yield* finishReads(fn, 'pixel', raw, raw, options);
  } finally {
    raw.dispose();
  }
}

/** Categorical targets: `S_ij = 1` when images i and j share a label, else 0. */
export function categoricalPairTargets(
  labels: Int32Array | ArrayLike<number>,
  options: PairRangeOptions = {},
): PairTargets {
  readOptions('categoricalPairTargets', options);
  const s = categoricalTargets(labels);
  try {
    return finish('categoricalPairTargets', 'categorical', s, s, options);
  } finally {
    s.dispose();
  }
}

/** Options of {@link neuralTargets}. */
export interface NeuralTargetOptions extends PairRangeOptions {
  /** Threshold the response similarity like `S^Th` at this value (in (0, 1)); default: raw similarity. */
  threshold?: number;
}

/**
 * Neural targets (Li et al. 2019): the centred-cosine similarity of an N×R response matrix (one row of
 * R recorded or predicted neural responses per regularization image).
 *
 * @param responses - `[N, R]` tensor, or `{ values, shape: [N, R] }`.
 */
export function neuralTargets(
  responses: tf.Tensor2D | { values: Float32Array | Float64Array; shape: readonly [number, number] },
  options: NeuralTargetOptions = {},
): PairTargets {
  const fn = 'neuralTargets';
  readOptions(fn, options);
  let owned: tf.Tensor2D | null = null;
  let r: tf.Tensor2D;
  if (responses instanceof tf.Tensor) {
    r = responses;
  } else {
    const [n, d] = responses?.shape ?? [];
    if (!responses?.values || !(n > 0 && d > 0) || responses.values.length !== n * d) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: responses must be a tf.Tensor2D or { values, shape: [N, R] } with N·R values.`,
      );
    }
    owned = tf.tensor2d(Float32Array.from(responses.values), [n, d]);
    r = owned;
  }
  try {
    const raw = similarityMatrix(r);
    try {
      if (options.threshold === undefined) return finish(fn, 'neural', raw, raw, options);
      const thresholded = thresholdTargets(raw, options.threshold);
      try {
        return finish(fn, 'neural', thresholded, raw, { ...options, th: options.th ?? options.threshold });
      } finally {
        thresholded.dispose();
      }
    } finally {
      raw.dispose();
    }
  } finally {
    owned?.dispose();
  }
}

/** Options of {@link matrixTargets}. */
export interface MatrixTargetOptions extends PairRangeOptions {
  /** Matrix on which the pair range is evaluated; default the target matrix itself. */
  selectFrom?: tf.Tensor2D | Float32Array;
}

/** Any precomputed N×N target matrix (tensor or row-major `Float32Array`), values in [−1, 1]. */
export function matrixTargets(
  matrix: tf.Tensor2D | Float32Array,
  options: MatrixTargetOptions = {},
): PairTargets {
  const fn = 'matrixTargets';
  readOptions(fn, options);
  for (const [name, m] of [
    ['matrix', matrix],
    ['options.selectFrom', options.selectFrom ?? matrix],
  ] as const) {
    if (!isTensor(m) && !(m instanceof Float32Array)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be an N×N tf.Tensor2D or a row-major Float32Array, got ${describeValue(m)}.`,
      );
    }
  }
  return finish(fn, 'matrix', matrix, options.selectFrom ?? matrix, options);
}

/** The targets of pairs `pairs` (interleaved `[i0, j0, …]`), as a `Float32Array` of length `pairs.length / 2`. */
export function targetsOf(targets: PairTargets, pairs: Int32Array): Float32Array {
  assertPairTargets('targetsOf', targets);
  assertPairList('targetsOf', pairs, targets.n);
  const k = pairs.length >> 1;
  const out = new Float32Array(k);
  const n = targets.n;
  for (let p = 0; p < k; p++) out[p] = targets.matrix[pairs[2 * p] * n + pairs[2 * p + 1]];
  return out;
}

function* pixelMatrixReads(images: ImageSet): TensorReads<tf.Tensor2D> {
  const store = yield* ImageStore.checkReads(images, 'regularization images');
  const all = new Int32Array(store.n);
  for (let i = 0; i < store.n; i++) all[i] = i;
  const batch = store.gather(all);
  try {
    return yield* pixelSimilarityReads(batch);
  } finally {
    batch.dispose();
  }
}

function finish(
  fn: string,
  kind: string,
  target: tf.Tensor2D | Float32Array,
  selectFrom: tf.Tensor2D | Float32Array,
  range: PairRangeOptions,
): PairTargets {
  return runReadsSync(finishReads(fn, kind, target, selectFrom, range));
}

function* finishReads(
  fn: string,
  kind: string,
  target: tf.Tensor2D | Float32Array,
  selectFrom: tf.Tensor2D | Float32Array,
  range: PairRangeOptions,
): TensorReads<PairTargets> {
  const matrix = target instanceof Float32Array ? Float32Array.from(target) : yield* matrixReads(fn, target);
  const n = Math.round(Math.sqrt(matrix.length));
  if (n * n !== matrix.length || n < 2) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: the target matrix must be N×N with N ≥ 2, got ${matrix.length} values.`,
    );
  }
  for (let v = 0; v < matrix.length; v++) {
    const x = matrix[v];
    if (!(Math.abs(x) <= 1 + 1e-4)) {
      throw new NonFiniteValueError(
        PACKAGE,
        `${fn}: target (${Math.floor(v / n)}, ${v % n}) is ${x}; similarity targets must be finite and in ` +
          '[−1, 1]. Normalise the matrix (e.g. with similarityMatrix) first.',
      );
    }
  }
  const selectN = selectFrom instanceof Float32Array ? selectFrom.length : selectFrom.size;
  if (selectN !== matrix.length) {
    throw new ShapeMismatchError(PACKAGE, `${fn}: selectFrom must have the target matrix's shape ${n}×${n}.`);
  }
  const pairs = yield* selectPairsReads(selectFrom, { range: range.range, th: range.th, th2: range.th2 });
  if (pairs.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pair range '${range.range ?? 'all'}' selects no pairs; lower or raise th, or use range 'all'.`,
    );
  }
  return { kind, n, matrix, pairs };
}

function* matrixReads(fn: string, t: tf.Tensor2D): TensorReads<Float32Array> {
  if (t.rank !== 2 || t.shape[0] !== t.shape[1]) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: the target matrix must be square [N, N], got [${t.shape.join(', ')}].`,
    );
  }
  return Float32Array.from(yield t);
}
