import { describeValue } from '@pixsim/core';
import { IncomparableEvaluationsError } from '../errors';
import type { CorruptionEvaluation } from './evaluate';
import type { CorruptionFamily } from './families';

/** Corruption errors of one family. */
export interface FamilyCorruptionError {
  family: CorruptionFamily;
  /** CE_f = Σ_s E_{f,s} / Σ_s E^base_{f,s} (E = 1 − accuracy). */
  ce: number;
  /**
   * Relative CE_f = Σ_s (E_{f,s} − E_clean) / Σ_s (E^base_{f,s} − E^base_clean); `null` where the
   * baseline loses no accuracy under the family (the ratio is undefined).
   */
  relativeCe: number | null;
}

/** Result of {@link corruptionErrorSummary}. */
export interface CorruptionErrorSummary {
  families: FamilyCorruptionError[];
  /** mCE: the mean of CE_f over families (1 = as robust as the baseline, lower is better). */
  mCE: number;
  /** Mean relative CE over families; `null` if any family's relative CE is undefined. */
  relativeMCE: number | null;
  /** Clean error of the model and of the baseline. */
  cleanError: number;
  baselineCleanError: number;
}

function assertEvaluation(name: string, e: unknown): asserts e is CorruptionEvaluation {
  const v = e as CorruptionEvaluation | null;
  const fraction = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    fraction(v.cleanAccuracy) &&
    Array.isArray(v.severities) &&
    Array.isArray(v.families) &&
    v.families.length > 0 &&
    v.families.every(
      (f) =>
        typeof f?.family === 'string' &&
        Array.isArray(f.accuracy) &&
        f.accuracy.length === v.severities.length &&
        f.accuracy.every(fraction),
    );
  if (!ok) {
    throw new IncomparableEvaluationsError(
      `corruptionErrorSummary: ${name} must be a result of evaluateCorruptions (cleanAccuracy, severities and ` +
        `families with one accuracy in [0, 1] per severity), got ${describeValue(e)}.`,
    );
  }
}

/**
 * The corruption error of `model` relative to `baseline` (Hendrycks & Dietterich 2019): for each family the
 * sum over severities of the model's error divided by the baseline's, averaged over families (mCE), and the
 * same for the errors above each model's clean error (relative mCE). Both evaluations must cover the same
 * families and severities; the baseline's original is AlexNet, here any reference model of your choice.
 *
 * @example
 * ```ts
 * const summary = corruptionErrorSummary(evaluateCorruptions(clf, data, { seed: 1 }), baselineResult);
 * summary.mCE; // < 1: more robust than the baseline
 * ```
 */
export function corruptionErrorSummary(
  model: CorruptionEvaluation,
  baseline: CorruptionEvaluation,
): CorruptionErrorSummary {
  assertEvaluation('model', model);
  assertEvaluation('baseline', baseline);
  if (model.severities.join() !== baseline.severities.join()) {
    throw new IncomparableEvaluationsError(
      `corruptionErrorSummary: the model was evaluated at severities [${model.severities.join(', ')}], the baseline ` +
        `at [${baseline.severities.join(', ')}]; evaluate both at the same severities.`,
    );
  }
  const names = (e: CorruptionEvaluation) =>
    e.families
      .map((f) => f.family)
      .sort()
      .join(', ');
  if (names(model) !== names(baseline)) {
    throw new IncomparableEvaluationsError(
      `corruptionErrorSummary: the model covers [${names(model)}], the baseline [${names(baseline)}]; ` +
        'evaluate both on the same families.',
    );
  }
  const clean = 1 - model.cleanAccuracy;
  const baseClean = 1 - baseline.cleanAccuracy;
  const families = model.families.map(({ family, accuracy }): FamilyCorruptionError => {
    const base = baseline.families.find((f) => f.family === family)?.accuracy ?? [];
    let err = 0;
    let baseErr = 0;
    for (let s = 0; s < accuracy.length; s++) {
      err += 1 - accuracy[s];
      baseErr += 1 - base[s];
    }
    if (baseErr === 0) {
      throw new IncomparableEvaluationsError(
        `corruptionErrorSummary: the baseline makes no error on '${family}' at any severity, so its corruption ` +
          'error (a ratio to the baseline error) is undefined; use a baseline that errs, or leave the family out.',
      );
    }
    const relBase = baseErr - accuracy.length * baseClean;
    const rel = err - accuracy.length * clean;
    return { family, ce: err / baseErr, relativeCe: relBase > 0 ? rel / relBase : null };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rel = families.map((f) => f.relativeCe);
  return {
    families,
    mCE: mean(families.map((f) => f.ce)),
    relativeMCE: rel.every((r) => r !== null) ? mean(rel as number[]) : null,
    cleanError: clean,
    baselineCleanError: baseClean,
  };
}
