import { InvalidOptionError } from './errors';
import { mulberry32, shuffleInPlace } from './random';

/** Indices of a training set split into training and validation parts. */
export interface HoldOutSplit {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Stratified hold-out: from each class, `round(fraction · count)` images (at least one when the class has
 * two or more and `fraction > 0`) chosen by a seeded shuffle go to validation. Both parts are sorted.
 *
 * @param labels - class label of every image.
 * @param fraction - in [0, 0.5]; the reference holds out 1% (0.01).
 */
export function stratifiedHoldOut(labels: ArrayLike<number>, fraction: number, seed: number): HoldOutSplit {
  if (!(fraction >= 0 && fraction <= 0.5)) {
    throw new InvalidOptionError(`stratifiedHoldOut: fraction must be in [0, 0.5], got ${fraction}.`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const random = mulberry32(seed);
  const validation: number[] = [];
  const train: number[] = [];
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(cls)!;
    shuffleInPlace(members, random);
    let take = Math.round(fraction * members.length);
    if (fraction > 0 && take === 0 && members.length >= 2) take = 1;
    validation.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return {
    train: Int32Array.from(train).sort(),
    validation: Int32Array.from(validation).sort(),
  };
}
