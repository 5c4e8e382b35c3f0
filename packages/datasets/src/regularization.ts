import type * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import { imagesToTensor, type PreprocessOptions } from './preprocess';

/** Options of {@link regularizationSet}. */
export interface RegularizationSetOptions extends PreprocessOptions {
  /** Number N of regularization images (the reference uses 5,000). */
  n: number;
  /** Seed of the choice of images. */
  seed: number;
}

/** N regularization images in the model's input format. */
export interface RegularizationSet {
  /** float32 `[N, H, W, C']`, preprocessed like the model's input. The caller disposes it. */
  images: tf.Tensor4D;
  /** Which images of the source data set were picked (ascending). */
  indices: Int32Array;
  /** Their labels (for categorical targets). */
  labels: Int32Array;
  /** The picked images as a uint8 data set (e.g. for `pixelSimilarity` of `@pixsim/similarity`). */
  dataset: ImageDataset;
}

/**
 * Picks `n` images of `dataset` with `seed` (uniformly, without replacement) as the regularization
 * set: the images whose pixel similarity gives the target `S^Th`, and from which the regularizer's
 * pair sampler draws pairs (i, j). Pass the same preprocessing options as the training batches so the
 * images are in the model's input format.
 */
export function regularizationSet(
  dataset: ImageDataset,
  options: RegularizationSetOptions,
): RegularizationSet {
  if (options === undefined || typeof options !== 'object') {
    throw new InvalidOptionError(
      'regularizationSet: pass { n, seed } (and the preprocessing options of the model).',
    );
  }
  const indices = dataset.sampleIndices(options.n, options.seed);
  const picked = dataset.select(indices, 'subset');
  const images = imagesToTensor(picked, undefined, options);
  return { images, indices, labels: picked.labels, dataset: picked };
}
