import { assertNumberList } from './arguments';
import { PACKAGE, InvalidOptionError } from './errors';
import { shuffleInPlace } from '@pixsim/core';
import { assertSeed, mulberry32, permutation } from './random';

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
  const fn = 'stratifiedHoldOut';
  assertNumberList(fn, 'labels', labels);
  if (!(typeof fraction === 'number' && fraction >= 0 && fraction <= 0.5)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: fraction must be in [0, 0.5], got ${typeof fraction === 'number' ? fraction : typeof fraction}.`,
    );
  }
  assertSeed(fn, seed);
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

/** A seeded split of the selected pairs into training pairs and held-out pairs. */
export function splitPairs(pairs: Int32Array, requested: number | undefined, seed: number) {
  const total = pairs.length >> 1;
  const count = requested ?? Math.min(500, Math.floor(total / 10));
  if (!(Number.isInteger(count) && count >= 0 && count < total)) {
    throw new InvalidOptionError(
      PACKAGE,
      `train: heldOutPairs must be an integer in [0, ${total}), got ${requested}.`,
    );
  }
  const chosen = new Uint8Array(total);
  const order = permutation(total, seed);
  for (let p = 0; p < count; p++) chosen[order[p]] = 1;
  const heldOut = new Int32Array(2 * count);
  const rest = new Int32Array(2 * (total - count));
  let h = 0;
  let r = 0;
  for (let p = 0; p < total; p++) {
    if (chosen[p]) {
      heldOut[h++] = pairs[2 * p];
      heldOut[h++] = pairs[2 * p + 1];
    } else {
      rest[r++] = pairs[2 * p];
      rest[r++] = pairs[2 * p + 1];
    }
  }
  return { heldOut: count > 0 ? heldOut : null, train: rest };
}
