import { InvalidOptionError, NonFiniteValueError, PACKAGE } from './errors';

/** Mean and standard error of the mean over repeats, with the per-repeat values (plain JSON). */
export interface Summary {
  /** Mean over the repeats that have a value (`null` if none has). */
  mean: number | null;
  /** Standard error of the mean, `sd / √R` with the sample standard deviation (`null` for fewer than 2 values). */
  sem: number | null;
  /** One value per repeat (`null` where undefined, e.g. a median over zero successful images). */
  values: (number | null)[];
}

/**
 * Summarises per-repeat values into mean ± SEM, ignoring `null` entries (a value that is undefined, e.g. a
 * median over zero successful images). A NaN or infinite value is a fault upstream, not an undefined value: it is
 * a {@link NonFiniteValueError} naming the repeat, never a silent `mean: null`.
 */
export function summarize(values: readonly (number | null)[]): Summary {
  if (!Array.isArray(values)) {
    throw new NonFiniteValueError(
      PACKAGE,
      `summarize: values must be an array of numbers or null, got ${typeof values}.`,
    );
  }
  const bad = values.findIndex((x) => x !== null && !(typeof x === 'number' && Number.isFinite(x)));
  if (bad >= 0) {
    throw new NonFiniteValueError(
      PACKAGE,
      `summarize: repeat ${bad} has the value ${String(values[bad])}; every value must be a finite number, or null ` +
        'where it is undefined. A NaN here comes from the evaluation that produced it: check its inputs.',
    );
  }
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return { mean: null, sem: null, values: [...values] };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  let sem: number | null = null;
  if (v.length > 1) {
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
    sem = Math.sqrt(variance / v.length);
  }
  return { mean, sem, values: [...values] };
}
