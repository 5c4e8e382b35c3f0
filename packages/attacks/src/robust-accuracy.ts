import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError, ShapeMismatchError } from './errors';
import { assertEpsilon, assertOptions, positiveInteger } from './validate';

/**
 * Per-image outcome of a black-box attack, as `runSquareAttack`, `runHopSkipJump` and
 * `runBoundaryAttack` return it (their results can be passed as they are).
 */
export interface BudgetOutcome {
  /** True where the attack found an adversarial (at any distance). */
  success: readonly boolean[];
  /** Distance of the adversarial in the attack's norm (`Infinity` where not successful). */
  distances: ArrayLike<number>;
  /** Queries spent per image. */
  queries: ArrayLike<number>;
  /** Optional per-image trace (HopSkipJump's `history`): best distance and queries spent at each point. */
  history?: readonly { distances: ArrayLike<number>; queries: ArrayLike<number> }[];
}

/** Options of {@link robustAccuracyAt}. */
export interface RobustAccuracyOptions {
  /** Budget ε in the attack's norm: an image is fooled if an adversarial within ε was found. */
  epsilon: number;
  /**
   * Query budget: only adversarials found within this many queries count. Uses `history` where given
   * (the best distance at the last point within the budget), else the final distance and queries.
   */
  maxQueries?: number;
}

/** Plain-JSON robust accuracy of one attack run. */
export interface RobustAccuracy {
  epsilon: number;
  maxQueries: number | null;
  n: number;
  /** Fraction of images not fooled within ε (and the query budget). */
  robustAccuracy: number;
  /** Per image: fooled within ε (and the budget). */
  fooled: boolean[];
  /** Fraction of images with an adversarial at any distance (the minimisation attacks' success rate). */
  successRate: number;
  /** Median distance over successful images (the minimisation score beside the robust accuracy); null if none. */
  medianDistance: number | null;
  /** Median queries an image needed to be fooled within ε (over fooled images); null if none. */
  medianQueries: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks that every per-image array has `n` entries. */
function assertOutcome(fn: string, o: BudgetOutcome): number {
  if (typeof o !== 'object' || o === null || !Array.isArray(o.success)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: outcome must be an attack result with success, distances and queries, got ${describeValue(o)}.`,
    );
  }
  const n = o.success.length;
  if (n === 0) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: outcome holds no image; run the attack on at least one image.`,
    );
  }
  const lengthOf = (x: unknown) =>
    x !== null && typeof x === 'object' ? (x as ArrayLike<number>).length : -1;
  for (const [name, v] of [
    ['distances', o.distances],
    ['queries', o.queries],
    ...(o.history === undefined ? [] : [['history', o.history] as const]),
  ] as const) {
    if (lengthOf(v) !== n) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: outcome.${name} has ${lengthOf(v)} entries for ${n} images; pass an attack result unchanged.`,
      );
    }
  }
  for (let i = 0; i < (o.history?.length ?? 0); i++) {
    const p = o.history?.[i];
    if (!p || lengthOf(p.distances) !== lengthOf(p.queries)) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: outcome.history[${i}] needs as many distances as queries; pass an attack result unchanged.`,
      );
    }
  }
  return n;
}

/**
 * Robust accuracy at a fixed budget — e.g. L∞ ε = 8/255 for the Square Attack, L2 ε = 0.5 for HopSkipJump at
 * 1,000 queries — beside the median distance the minimisation attacks report. An image counts as fooled
 * when the attack found an adversarial within ε (and within `maxQueries`); images the model already
 * misclassifies (distance 0) count as fooled. Attack images at their true labels for a robust accuracy.
 *
 * @example
 * ```ts
 * const r = runHopSkipJump(clf, x, { seed: 1, labels: y, maxQueries: 1000 });
 * robustAccuracyAt(r, { epsilon: 0.5, maxQueries: 1000 }); // { robustAccuracy, medianDistance, … }
 * ```
 */
export function robustAccuracyAt(outcome: BudgetOutcome, options: RobustAccuracyOptions): RobustAccuracy {
  const fn = 'robustAccuracyAt';
  assertOptions(fn, options);
  if (options === undefined) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options { epsilon } are required, e.g. { epsilon: 8 / 255 }.`,
    );
  }
  assertEpsilon(fn, options.epsilon);
  const budget =
    options.maxQueries === undefined ? null : positiveInteger(fn, 'maxQueries', options.maxQueries);
  const n = assertOutcome(fn, outcome);
  const { epsilon } = options;
  const fooled: boolean[] = [];
  const needed: number[] = [];
  const found: number[] = [];
  for (let i = 0; i < n; i++) {
    let at: number | null = null;
    const trace = outcome.history?.[i];
    if (outcome.success[i] && budget !== null && trace) {
      for (let j = 0; j < trace.queries.length && at === null; j++)
        if (trace.queries[j] <= budget && trace.distances[j] <= epsilon) at = trace.queries[j];
    } else if (
      outcome.success[i] &&
      outcome.distances[i] <= epsilon &&
      (budget === null || outcome.queries[i] <= budget)
    ) {
      at = trace ? firstWithin(trace, epsilon) : outcome.queries[i];
    }
    fooled.push(at !== null);
    if (at !== null) needed.push(at);
    if (outcome.success[i]) found.push(outcome.distances[i]);
  }
  return {
    epsilon,
    maxQueries: budget,
    n,
    robustAccuracy: fooled.filter((f) => !f).length / n,
    fooled,
    successRate: found.length / n,
    medianDistance: median(found),
    medianQueries: median(needed),
  };
}

/** Queries at the first point of a trace whose distance is within ε (the trace's last point if none is). */
function firstWithin(trace: { distances: ArrayLike<number>; queries: ArrayLike<number> }, epsilon: number) {
  for (let j = 0; j < trace.queries.length; j++) if (trace.distances[j] <= epsilon) return trace.queries[j];
  return trace.queries[trace.queries.length - 1];
}
