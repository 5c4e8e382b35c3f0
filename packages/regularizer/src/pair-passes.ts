import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError } from './errors';

/**
 * How the 2k images of a pair batch go through the network:
 * - `'separate'` (default, the reference code): two passes, first the k images i, then the k images j, so
 *   batch norm in training mode normalises each half by its own batch statistics and updates its running
 *   statistics once per half;
 * - `'joint'`: one pass over the 2k images together (one set of batch statistics, one running-statistics
 *   update). Faster (one pass less of per-op overhead), but not the reference's batch-norm behaviour.
 *
 * Either way the centring's running means are updated once per batch, from both halves together.
 */
export type PairPasses = 'separate' | 'joint';

const PAIR_PASSES: readonly PairPasses[] = ['separate', 'joint'];

/** Checks a {@link PairPasses} option and fills in the default `'separate'`. */
export function resolvePairPasses(fn: string, value: PairPasses | undefined): PairPasses {
  const passes = value ?? 'separate';
  if (!PAIR_PASSES.includes(passes)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pairPasses must be 'separate' (the reference: k images i, then k images j) or 'joint' (one pass of 2k), got ${String(value)}.`,
    );
  }
  return passes;
}

/** Per tap, the feature maps of the first images followed by those of the second images (2k along the batch axis). */
export function concatTaps(first: tf.Tensor[], second: tf.Tensor[]): tf.Tensor[] {
  return first.map((f, t) => tf.concat([f, second[t]], 0));
}
