import { cyclicStepDecay, type LearningRateSchedule } from '@pixsim/regularizer';
import { PAPER_EPOCHS } from '../experiments';
import type { ExperimentSpec } from '../spec';

/** The paper's schedule, in words (what `train()` of `@pixsim/regularizer` uses by default). */
const PAPER_WORDS = 'cyclic step decay 0.1 · 0.3^⌊(epoch mod 20)/4⌋ per epoch';

/** The schedule's epoch scale: the paper's epochs over the run's (`'proportional'`), else 1. */
export function epochScaleOf(spec: ExperimentSpec): number {
  return spec.scale.learningRateSchedule === 'proportional'
    ? PAPER_EPOCHS[spec.task.dataset] / spec.scale.epochs
    : 1;
}

/**
 * The `learningRate` option `train()` gets: `undefined` for the paper's schedule (train()'s own default, so
 * such cells train exactly as before the option existed), `cyclicStepDecay({ epochScale })` for
 * `'proportional'`.
 */
export function learningRateOf(spec: ExperimentSpec): LearningRateSchedule | undefined {
  if (spec.scale.learningRateSchedule !== 'proportional') return undefined;
  return cyclicStepDecay({ epochScale: epochScaleOf(spec) });
}

/** The schedule as `result.json`'s `training.learningRate` states it. */
export function learningRateWords(spec: ExperimentSpec): string {
  if (spec.scale.learningRateSchedule !== 'proportional') return PAPER_WORDS;
  const paper = PAPER_EPOCHS[spec.task.dataset];
  return (
    `proportional: cyclic step decay 0.1 · 0.3^⌊(e mod 20)/4⌋ read at e = epoch × ${paper}/${spec.scale.epochs} ` +
    `(the paper's ${paper} epochs mapped onto ${spec.scale.epochs})`
  );
}
