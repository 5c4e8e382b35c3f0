import * as tf from '@tensorflow/tfjs-core';
import { InvalidRankError } from './errors';
import { assertTensorInput, optionsOf } from './validate';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { centredCosineGram, type SimilarityMatrixOptions } from './similarity-matrix';

/** Options of {@link pixelSimilarity}. */
export interface PixelSimilarityOptions extends SimilarityMatrixOptions {
  /**
   * Average colour channels to grey before comparing (the reference does). Default `true`.
   * With `false` every channel value is a separate dimension.
   */
  grey?: boolean;
}

/**
 * Pixel similarity `S^pixel` of a set of images (the paper's target before thresholding): images are
 * averaged to grey (by default), flattened, centred by the mean image over the N images, L2-normalised,
 * and compared by cosine, `S = R·Rᵀ`:
 *
 * $$S^\text{pixel}_{ij} = \frac{(x_i - \bar x)\cdot(x_j - \bar x)}{\lVert x_i - \bar x\rVert\,\lVert x_j - \bar x\rVert}, \qquad \bar x = \frac{1}{N}\sum_n x_n.$$
 *
 * Any value range works (centring removes offsets, normalising removes scale), so `[0, 1]` floats and
 * raw `uint8`/`int32` pixels give the same matrix.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { pixelSimilarity, thresholdTargets } from '@pixsim/similarity';
 *
 * const images = tf.randomUniform([100, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D; // your N images
 * const sPixel = pixelSimilarity(images); // [100, 100]
 * const sTh = thresholdTargets(sPixel, 0.2); // S^Th (eq. 3)
 * tf.dispose([images, sPixel, sTh]);
 * ```
 * @param images - `[N, H, W, C]` (or `[N, H, W]` for single-channel) tensor.
 * @returns `[N, N]` float32 similarity matrix, diagonal exactly 1.
 */
export function pixelSimilarity(
  images: tf.Tensor4D | tf.Tensor3D,
  options: PixelSimilarityOptions = {},
): tf.Tensor2D {
  return runReadsSync(pixelSimilarityReads(images, options));
}

/**
 * {@link pixelSimilarity} as a {@link TensorReads} computation: run it with `runReadsAsync` on engines
 * without synchronous reads (`webgpu` in Node). Returns the tensor the caller disposes.
 */
export function* pixelSimilarityReads(
  images: tf.Tensor4D | tf.Tensor3D,
  options: PixelSimilarityOptions = {},
): TensorReads<tf.Tensor2D> {
  const fn = 'pixelSimilarity';
  assertTensorInput(fn, 'images', images);
  options = optionsOf(fn, options);
  if (images.rank !== 3 && images.rank !== 4) {
    throw new InvalidRankError(
      `${fn}: images must be [N, H, W, C] or [N, H, W], got shape [${images.shape.join(', ')}]. ` +
        'Add a batch dimension with expandDims(0) for a single image.',
    );
  }
  const n = images.shape[0];
  const flat = tf.tidy(() => {
    let x = tf.cast(images, 'float32');
    if (x.rank === 4 && (options.grey ?? true)) x = tf.mean(x, 3);
    return tf.reshape(x, [n, -1]) as tf.Tensor2D;
  });
  try {
    return yield* centredCosineGram(fn, flat, options);
  } finally {
    flat.dispose();
  }
}
