import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError, ZeroVarianceError } from './errors';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { assertRank, assertTensorInput, finiteTensorReads, optionsOf } from './validate';

/** What to do with an item whose centred response vector is (numerically) zero. */
export type ZeroVariancePolicy = 'error' | 'zero';

/** Options of {@link similarityMatrix}. */
export interface SimilarityMatrixOptions {
  /**
   * An item equal to the mean item has no direction, so its cosine similarity is 0/0.
   * `'error'` (default) throws {@link ZeroVarianceError} naming the rows; `'zero'` gives such an item
   * similarity 0 to every other item and 1 to itself (so `S^Th` keeps its identity diagonal).
   */
  zeroVariance?: ZeroVariancePolicy;
  /**
   * Rows of the N×N result computed per block. Bounds the peak memory of the Gram product to about
   * `rowsPerBlock · N` floats beyond the result itself. Default: blocks of about 16 M values.
   */
  rowsPerBlock?: number;
}

const DEFAULT_BLOCK_VALUES = 16 * 1024 * 1024;

/**
 * Centred cosine similarity between the rows of `responses` (shape `[N, D]`, one row per item):
 * subtract the mean row over the N items, L2-normalise each row, return `R·Rᵀ` (shape `[N, N]`).
 * This is the representational similarity of the paper: `S^pixel` when rows are flattened images,
 * the neural similarity when rows are (predicted) neural responses.
 *
 * The diagonal is exactly 1. The product is computed in row blocks, so N = 5,000 fits in a few
 * hundred MB. Throws on NaN/Infinity and, by default, on rows that are constant after centring.
 *
 * @param responses - `[N, D]` float tensor.
 * @returns `[N, N]` float32 tensor `S`, symmetric, entries in [−1, 1] up to float rounding.
 */
export function similarityMatrix(responses: tf.Tensor2D, options: SimilarityMatrixOptions = {}): tf.Tensor2D {
  return runReadsSync(similarityMatrixReads(responses, options));
}

/**
 * {@link similarityMatrix} as a {@link TensorReads} computation: run it with `runReadsAsync` on engines
 * without synchronous reads (`webgpu` in Node). Returns the tensor the caller disposes.
 */
export function* similarityMatrixReads(
  responses: tf.Tensor2D,
  options: SimilarityMatrixOptions = {},
): TensorReads<tf.Tensor2D> {
  const fn = 'similarityMatrix';
  assertTensorInput(fn, 'responses', responses);
  options = optionsOf(fn, options);
  assertRank(fn, 'responses', responses, 2, '[N, D] (one row per item)');
  return yield* centredCosineGram(fn, responses, options);
}

/** Shared by {@link similarityMatrix} and `pixelSimilarity`: validates, centres, normalises, multiplies. */
export function* centredCosineGram(
  fn: string,
  x: tf.Tensor2D,
  options: SimilarityMatrixOptions,
): TensorReads<tf.Tensor2D> {
  const policy = options.zeroVariance ?? 'error';
  if (policy !== 'error' && policy !== 'zero') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: zeroVariance must be 'error' or 'zero', got ${String(policy)}.`,
    );
  }
  const [n, d] = x.shape;
  if (n < 1 || d < 1) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: need at least one item with at least one value, got [${n}, ${d}].`,
    );
  }
  const rowsPerBlock = options.rowsPerBlock ?? Math.max(1, Math.floor(DEFAULT_BLOCK_VALUES / n));
  if (!Number.isInteger(rowsPerBlock) || rowsPerBlock < 1) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: rowsPerBlock must be a positive integer, got ${rowsPerBlock}.`,
    );
  }
  yield* finiteTensorReads(fn, 'the input', x);

  // Centre and normalise once; zero rows are found against a scale-aware tolerance, since the mean of
  // identical rows is not bit-exact in float32.
  const [normed, zeroMask] = tf.tidy(() => {
    const xf = tf.cast(x, 'float32');
    const centred = tf.sub(xf, tf.mean(xf, 0, true));
    const norms = tf.sqrt(tf.sum(tf.square(centred), 1, true));
    const scale = tf.mul(tf.max(tf.abs(xf)), Math.sqrt(d) * 1e-6);
    const isZero = tf.lessEqual(norms, scale);
    const safe = tf.where(isZero, tf.onesLike(norms), norms);
    const unit = tf.where(
      tf.broadcastTo(isZero, centred.shape),
      tf.zerosLike(centred),
      tf.div(centred, safe),
    );
    return [unit as tf.Tensor2D, tf.reshape(isZero, [n])];
  });
  const zeroRows: number[] = [];
  let zeroFlags: ArrayLike<number>;
  try {
    zeroFlags = yield zeroMask;
  } catch (error) {
    normed.dispose();
    throw error;
  } finally {
    zeroMask.dispose();
  }
  for (let i = 0; i < n; i++) if (zeroFlags[i]) zeroRows.push(i);
  if (zeroRows.length > 0 && policy === 'error') {
    normed.dispose();
    throw new ZeroVarianceError(zeroRows);
  }

  // Only the upper triangle is multiplied (S is symmetric) and mirrored in place. The right operand is
  // transposed once up front: matMul with transposeB is several times slower on the wasm backend.
  const out = new Float32Array(n * n);
  const normedT = tf.transpose(normed);
  normed.dispose();
  try {
    for (let start = 0; start < n; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, n - start);
      const cols = n - start;
      const block = tf.tidy(() => {
        const left = tf.transpose(tf.slice(normedT, [0, start], [d, rows]));
        return tf.matMul(left, tf.slice(normedT, [0, start], [d, cols]));
      });
      let v: ArrayLike<number>;
      try {
        v = yield block;
      } finally {
        block.dispose();
      }
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        for (let c = r; c < cols; c++) {
          const value = v[r * cols + c];
          out[i * n + start + c] = value;
          out[(start + c) * n + i] = value;
        }
      }
    }
  } finally {
    normedT.dispose();
  }
  // The cosine of an item with itself is 1 by definition (also for zero rows under 'zero').
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return tf.tensor2d(out, [n, n]);
}
