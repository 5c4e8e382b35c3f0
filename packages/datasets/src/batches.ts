import { assertOptionsObject } from './describe';
import * as tf from '@tensorflow/tfjs-core';
import { type AugmentOptions, drawTransform, type ResolvedAugment, resolveAugment } from './augment';
import { PACKAGE, InvalidOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import {
  outputChannels,
  type PreprocessOptions,
  type ResolvedPreprocess,
  resolvePreprocess,
  writeImage,
} from './preprocess';
import { assertSeed } from './seed';
import { mixSeed, mulberry32, permutation } from '@pixsim/core';

/** Options of {@link batches}. */
export interface BatchOptions extends PreprocessOptions {
  /** Images per batch (the paper uses 64). */
  batchSize: number;
  /** Shuffle the order (seeded). Default `true`. */
  shuffle?: boolean;
  /**
   * Seed of the shuffling and augmentation streams; required when `shuffle` or `augment` is on.
   * Pass a different seed each epoch (e.g. `seed + epoch`) for a new order.
   */
  seed?: number;
  /** Augmentation, e.g. `'cifar'`. Default none. */
  augment?: AugmentOptions | false;
  /** Drop the last incomplete batch. Default `false`. */
  dropLast?: boolean;
  /** Labels as int32 class indices `[B]` (default) or float32 one-hot `[B, classes]`. */
  labels?: 'index' | 'oneHot';
  /** Prepare the next batch while the current one is in use. Default `true`. */
  prefetch?: boolean;
}

/** One batch: images, labels and which data-set images they are. The consumer disposes `xs` and `ys`. */
export interface Batch {
  /** float32 `[B, H, W, C']`, preprocessed (and augmented). */
  xs: tf.Tensor4D;
  /** int32 `[B]` class indices, or float32 `[B, classes]` one-hot. */
  ys: tf.Tensor1D | tf.Tensor2D;
  /** Data-set index of each image of the batch. */
  indices: Int32Array;
}

interface HostBatch {
  pixels: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

function prepare(
  dataset: ImageDataset,
  indices: Int32Array,
  pre: ResolvedPreprocess,
  augment: ResolvedAugment | null,
  random: () => number,
): HostBatch {
  const [, h, w, c] = dataset.shape;
  const size = h * w * outputChannels(c, pre);
  const pixels = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    const transform = augment ? drawTransform(augment, random) : undefined;
    writeImage(dataset.images, dataset.shape, k, pixels, i * size, pre, transform);
    labels[i] = dataset.labels[k];
  }
  return { pixels, labels, indices };
}

/**
 * One epoch over `dataset` in batches of tf tensors, with the paper's preprocessing (`[0, 1]` or
 * `5·(x − 0.5)`, optional grey), seeded shuffling and optional CIFAR augmentation (random crop with
 * reflect padding 4 + horizontal flip).
 *
 * Pixels are prepared on the host; with `prefetch` the next batch is prepared (in a macrotask) while
 * the consumer awaits its work on the current one, and its tensors are only created when it is
 * yielded, so breaking out of the loop leaks nothing. Each yielded `xs`/`ys` belongs to the consumer,
 * who must dispose them.
 */
export async function* batches(
  dataset: ImageDataset,
  options: BatchOptions,
): AsyncGenerator<Batch, void, undefined> {
  const fn = `${dataset.name}.batches`;
  assertOptionsObject(fn, options, '{ batchSize, seed, … }', false);
  const { batchSize, shuffle = true, dropLast = false, labels = 'index', prefetch = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: batchSize must be a positive integer, got ${batchSize} (the paper uses 64).`,
    );
  }
  if (labels !== 'index' && labels !== 'oneHot') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: labels must be 'index' or 'oneHot', got ${JSON.stringify(labels)}.`,
    );
  }
  const pre = resolvePreprocess(fn, options, dataset.name);
  const [n, h, w, c] = dataset.shape;
  const augment = resolveAugment(fn, options.augment, h, w);
  if (shuffle || augment) assertSeed(fn, options.seed);
  const seed = options.seed ?? 0;
  const order = shuffle
    ? permutation(n, mulberry32(mixSeed(seed, 3)))
    : Int32Array.from({ length: n }, (_, i) => i);
  const augmentRandom = mulberry32(mixSeed(seed, 4));
  const count = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const outC = outputChannels(c, pre);

  const hostBatch = (b: number): HostBatch =>
    prepare(
      dataset,
      order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)),
      pre,
      augment,
      augmentRandom,
    );
  const schedule = (b: number): Promise<HostBatch> =>
    new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(hostBatch(b));
        } catch (error) {
          reject(error);
        }
      });
    });

  let next: Promise<HostBatch> | null = count > 0 && prefetch ? schedule(0) : null;
  for (let b = 0; b < count; b++) {
    const host = next ? await next : hostBatch(b);
    next = prefetch && b + 1 < count ? schedule(b + 1) : null;
    const size = host.indices.length;
    const xs = tf.tensor4d(host.pixels, [size, h, w, outC], 'float32');
    const ys =
      labels === 'oneHot'
        ? tf.tidy(
            () =>
              tf.cast(
                tf.oneHot(tf.tensor1d(host.labels, 'int32'), dataset.numClasses),
                'float32',
              ) as tf.Tensor2D,
          )
        : tf.tensor1d(host.labels, 'int32');
    yield { xs, ys, indices: Int32Array.from(host.indices) };
  }
}
