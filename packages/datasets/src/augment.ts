import { PACKAGE, InvalidOptionError } from './errors';
import type { PixelTransform } from './preprocess';
import { type Random, randomInt } from '@pixsim/core';

/**
 * Training augmentation. `'cifar'` is the paper's CIFAR augmentation: random crop back to the image
 * size (32) from the image reflect-padded by 4 on each side, then a horizontal flip with probability ½.
 */
export type AugmentOptions = 'cifar' | { padding: number; flip: boolean };

/** Resolved augmentation. */
export interface ResolvedAugment {
  padding: number;
  flip: boolean;
}

/** Checks and resolves {@link AugmentOptions}; `undefined`/`false` mean no augmentation. */
export function resolveAugment(
  fn: string,
  augment: AugmentOptions | false | undefined,
  height: number,
  width: number,
): ResolvedAugment | null {
  if (augment === undefined || augment === false) return null;
  const resolved = augment === 'cifar' ? { padding: 4, flip: true } : augment;
  if (
    typeof resolved !== 'object' ||
    !Number.isInteger(resolved.padding) ||
    resolved.padding < 0 ||
    typeof resolved.flip !== 'boolean'
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: augment must be 'cifar', false, or { padding: integer ≥ 0, flip: boolean }, got ` +
        `${JSON.stringify(augment)}.`,
    );
  }
  if (resolved.padding >= Math.min(height, width)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: reflect padding ${resolved.padding} must be smaller than the image side ` +
        `(${height}x${width}). Use a smaller padding (the paper pads 32x32 CIFAR images by 4).`,
    );
  }
  return { padding: resolved.padding, flip: resolved.flip };
}

/** Draws the crop offset and flip of one image. */
export function drawTransform(augment: ResolvedAugment, random: Random): PixelTransform {
  const span = 2 * augment.padding + 1;
  const dy = randomInt(random, span);
  const dx = randomInt(random, span);
  const flip = augment.flip && random() < 0.5;
  return { pad: augment.padding, dy, dx, flip };
}
