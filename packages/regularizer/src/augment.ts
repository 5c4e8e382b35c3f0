import { describeValue } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertLiveTensor } from './arguments';
import { PACKAGE, InvalidOptionError, ShapeMismatchError } from './errors';
import type { Random } from './random';

/**
 * Random crop after reflect padding, and random horizontal flip — the reference's CIFAR training
 * augmentation (torchvision `RandomCrop(32, padding=4, padding_mode='reflect')` then
 * `RandomHorizontalFlip()`): each image is padded by `padding` pixels on every side by reflection (the
 * edge pixel is not repeated), an `H × W` window is cut at a uniformly drawn offset in `[0, 2·padding]²`,
 * and, when `flip`, the window is mirrored left–right with probability ½.
 */
export interface CropFlipOptions {
  /** Reflect padding on each side, in pixels (an integer ≥ 0, smaller than the image's height and width). */
  padding: number;
  /** Mirror each image left–right with probability ½. */
  flip: boolean;
}

/**
 * Augmentation of the classification batch in {@link train}: `'cifar'` (= `{ padding: 4, flip: true }`,
 * the reference's CIFAR-10/100 setting), explicit {@link CropFlipOptions}, or a function of the batch
 * (`[B, H, W, C]`, pixels in [0, 1], before input scaling) and a seeded random stream that returns a
 * batch of the same shape. Pair images are never augmented (their targets `S^Th` are fixed).
 */
export type TrainAugmentation =
  | 'cifar'
  | CropFlipOptions
  | ((images: tf.Tensor4D, random: Random) => tf.Tensor4D);

/** A checked augmentation, ready to apply. */
export type Augmenter = (images: tf.Tensor4D, random: Random) => tf.Tensor4D;

/**
 * Checks `augment` (as {@link TrainAugmentation}) and returns the function that applies it, or `null`
 * for none (`undefined`/`false`).
 *
 * @throws {InvalidOptionError} for anything else, or a padding that is not an integer ≥ 0.
 */
export function resolveAugmentation(fn: string, augment: unknown): Augmenter | null {
  if (augment === undefined || augment === false) return null;
  if (typeof augment === 'function') return checkedCustom(fn, augment as Augmenter);
  const options = augment === 'cifar' ? { padding: 4, flip: true } : augment;
  const o = options as Partial<CropFlipOptions> | null;
  if (
    typeof o !== 'object' ||
    o === null ||
    !Number.isInteger(o.padding) ||
    (o.padding as number) < 0 ||
    typeof o.flip !== 'boolean'
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: augment must be 'cifar', false, { padding: integer ≥ 0, flip: boolean } or a function ` +
        `(images, random) => images, got ${describeValue(augment)}.`,
    );
  }
  const checked = { padding: o.padding as number, flip: o.flip };
  return (images, random) => randomCropFlip(images, checked, random);
}

/** Wraps a user's augmentation so that a wrong result is a typed error, not a broken step. */
function checkedCustom(fn: string, augment: Augmenter): Augmenter {
  return (images, random) => {
    const out = augment(images, random);
    if (!(out instanceof tf.Tensor) || !tf.util.arraysEqual(out.shape, images.shape)) {
      if (out instanceof tf.Tensor && out !== images) out.dispose();
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: the augment function must return a tensor of the batch's shape [${images.shape.join(', ')}], ` +
          `got ${out instanceof tf.Tensor ? `[${out.shape.join(', ')}]` : describeValue(out)}.`,
      );
    }
    return out;
  };
}

/** Index of `i` in a row of length `n` after reflect padding (`-1 → 1`, `n → n − 2`). */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * Applies {@link CropFlipOptions} to each image of `images` (`[B, H, W, C]`), drawing per image the crop
 * offset (row, then column) and then the flip from `random`. One gather of pixels: exact values, no
 * interpolation.
 *
 * @throws {ShapeMismatchError} when `padding` is not smaller than the height and width (reflection needs it).
 */
export function randomCropFlip(images: tf.Tensor4D, options: CropFlipOptions, random: Random): tf.Tensor4D {
  assertLiveTensor('randomCropFlip', 'images', images, '[B, H, W, C]');
  const [b, h, w, c] = images.shape;
  const p = options.padding;
  if (images.rank !== 4 || p >= h || p >= w) {
    throw new ShapeMismatchError(
      PACKAGE,
      `randomCropFlip: reflect padding ${p} needs [B, H, W, C] images larger than ${p} on both sides, ` +
        `got [${images.shape.join(', ')}]. Use a smaller padding (the reference pads 32×32 CIFAR images by 4).`,
    );
  }
  const source = new Int32Array(b * h * w);
  for (let n = 0; n < b; n++) {
    const dy = Math.floor(random() * (2 * p + 1)) - p;
    const dx = Math.floor(random() * (2 * p + 1)) - p;
    const flip = options.flip && random() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = reflect(y + dy, h);
      for (let x = 0; x < w; x++) {
        const sx = reflect((flip ? w - 1 - x : x) + dx, w);
        source[(n * h + y) * w + x] = (n * h + sy) * w + sx;
      }
    }
  }
  return tf.tidy(() =>
    tf.reshape(tf.gather(tf.reshape(images, [b * h * w, c]), tf.tensor1d(source, 'int32')), [b, h, w, c]),
  );
}
