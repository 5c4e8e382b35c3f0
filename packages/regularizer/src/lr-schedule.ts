import { describeValue } from '@pixsim/core';
import { readOptions } from './arguments';
import { PACKAGE, InvalidOptionError } from './errors';

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
  /**
   * Epochs of the schedule per training epoch: training epoch `e` reads the schedule at `e · epochScale`.
   * Default 1. To run the paper's schedule proportionally in fewer epochs, pass `P / E` (the paper's
   * epochs over yours): with the CIFAR-10 schedule (40 epochs) in 8 epochs, `epochScale: 5` gives
   * 0.1, 0.03, 0.009, 0.0027 and a restart at epoch 4, as the paper's epochs 0, 5, 10, 15 and 20 do.
   */
  epochScale?: number;
}

/**
 * The reference's cyclic step decay: `lr = initial · factor^⌊(epoch mod cycle) / every⌋`, i.e.
 * `0.1 · 0.3^⌊(epoch mod 20)/4⌋` by default; with `epochScale` s, `epoch` is read as `epoch · s`.
 *
 * @example
 * ```ts
 * const paper = cyclicStepDecay(); // 0.1 for epochs 0–3, 0.03 for 4–7, …, restart at 20
 * const proportional = cyclicStepDecay({ epochScale: 40 / 8 }); // the paper's 40 epochs mapped onto 8
 * await train({ ...options, epochs: 8, learningRate: proportional });
 * ```
 */
export function cyclicStepDecay(options: CyclicStepDecayOptions = {}): LearningRateSchedule {
  const fn = 'cyclicStepDecay';
  readOptions(fn, options);
  const initial = options.initial ?? 0.1;
  const factor = options.factor ?? 0.3;
  const every = options.every ?? 4;
  const cycle = options.cycle ?? 20;
  const epochScale = options.epochScale ?? 1;
  if (!(Number.isFinite(initial) && initial > 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: initial learning rate must be > 0, got ${options.initial}.`,
    );
  }
  if (!(Number.isFinite(factor) && factor > 0)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: factor must be > 0, got ${options.factor}.`);
  }
  for (const [name, v] of [
    ['every', every],
    ['cycle', cycle],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be a positive integer number of epochs, got ${v}.`,
      );
    }
  }
  if (!(typeof epochScale === 'number' && Number.isFinite(epochScale) && epochScale > 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: epochScale must be a finite number > 0 (the paper's epochs over yours, e.g. 40 / 8), got ${describeValue(options.epochScale)}.`,
    );
  }
  return (epoch: number) => {
    if (!(Number.isInteger(epoch) && epoch >= 0)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: the schedule takes an epoch index, an integer ≥ 0, got ${typeof epoch === 'number' ? epoch : typeof epoch}.`,
      );
    }
    // epochScale 1 reads the schedule exactly as before (epoch · 1 is exact).
    return initial * factor ** Math.floor(((epoch * epochScale) % cycle) / every);
  };
}
