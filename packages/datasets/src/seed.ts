import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

/** Checks that `seed` is a safe integer (every random choice in this package takes one). */
export function assertSeed(fn: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: seed must be an integer, got ${describeValue(seed)}. Pass an integer seed such as 0 or 42 ` +
        '(every random choice in @pixsim/datasets is reproducible from its seed).',
    );
  }
}
