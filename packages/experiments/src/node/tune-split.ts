import type { ImageDataset } from '@pixsim/datasets';
import { PACKAGE, InvalidOptionError } from '../errors';

/** Seed of the tuning validation split: fixed, so every seed and every (α, Th) of a tune sees the same split. */
const TUNE_SPLIT_SEED = 0x7c1e;

/** The training images of a tuning cell and its validation images (disjoint; both in their stored order). */
export interface TuneSplit {
  train: ImageDataset;
  validation: ImageDataset;
}

/**
 * Holds out `fraction` of the training images for the tuning cells of `pixsim tune`: a stratified choice
 * (`ImageDataset.holdout` of `@pixsim/datasets`) with a fixed seed. The cells are trained on the rest and
 * evaluated on these, so the choice of (α, Th) never reads the test set.
 */
export function tuneSplit(train: ImageDataset, fraction: number): TuneSplit {
  const split = train.holdout(fraction, TUNE_SPLIT_SEED);
  if (split.validation.size === 0 || split.train.size === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `tune: a validation fraction of ${fraction} of ${train.size} training images leaves ${split.validation.size} ` +
        `validation and ${split.train.size} training images; pick a fraction that leaves both some (e.g. 0.1).`,
      { option: 'validationFraction' },
    );
  }
  return split;
}
