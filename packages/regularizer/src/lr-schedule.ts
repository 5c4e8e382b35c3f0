import { readOptions } from './arguments';
import { InvalidOptionError } from './errors';

/** A learning rate per epoch (epochs count from 0). */
export type LearningRateSchedule = (epoch: number) => number;

/** Options of {@link cyclicStepDecay}; the defaults are the reference's. */
export interface CyclicStepDecayOptions {
  /** Learning rate at the start of each cycle. Default 0.1. */
  initial?: number;
  /** Factor applied every `every` epochs. Default 0.3. */
  factor?: number;
  /** Epochs between decays. Default 4. */
  every?: number;
  /** Cycle length in epochs, after which the rate restarts. Default 20. */
  cycle?: number;
}

/**
 * The reference's cyclic step decay: `lr = initial · factor^⌊(epoch mod cycle) / every⌋`, i.e.
 * `0.1 · 0.3^⌊(epoch mod 20)/4⌋` by default.
 */
export function cyclicStepDecay(options: CyclicStepDecayOptions = {}): LearningRateSchedule {
  const fn = 'cyclicStepDecay';
  readOptions(fn, options);
  const initial = options.initial ?? 0.1;
  const factor = options.factor ?? 0.3;
  const every = options.every ?? 4;
  const cycle = options.cycle ?? 20;
  if (!(Number.isFinite(initial) && initial > 0)) {
    throw new InvalidOptionError(`${fn}: initial learning rate must be > 0, got ${options.initial}.`);
  }
  if (!(Number.isFinite(factor) && factor > 0)) {
    throw new InvalidOptionError(`${fn}: factor must be > 0, got ${options.factor}.`);
  }
  for (const [name, v] of [
    ['every', every],
    ['cycle', cycle],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new InvalidOptionError(`${fn}: ${name} must be a positive integer number of epochs, got ${v}.`);
    }
  }
  return (epoch: number) => {
    if (!(Number.isInteger(epoch) && epoch >= 0)) {
      throw new InvalidOptionError(
        `${fn}: the schedule takes an epoch index, an integer ≥ 0, got ${typeof epoch === 'number' ? epoch : typeof epoch}.`,
      );
    }
    return initial * factor ** Math.floor((epoch % cycle) / every);
  };
}
