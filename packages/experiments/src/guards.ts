import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

/** Throws {@link InvalidOptionError} unless `values` is an array of finite numbers (non-empty if asked). */
export function assertNumbers(fn: string, values: unknown, nonEmpty: boolean): asserts values is number[] {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: values must be an array of finite numbers (one per seed), got ${describeValue(values)}.`,
      { option: 'values' },
    );
  }
  if (nonEmpty && values.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: values are empty; the mean of no seed is undefined, pass at least one.`,
      { option: 'values' },
    );
  }
}

/**
 * Throws {@link InvalidOptionError} unless `x` is an object whose `format` is `format` (a `summary.json`
 * or a `result.json` read back), with the array fields `arrays`.
 */
export function assertRecord(
  fn: string,
  what: string,
  x: unknown,
  format: string | readonly string[],
  arrays: readonly string[],
): void {
  const r = x as Record<string, unknown> | null;
  const formats: readonly string[] = typeof format === 'string' ? [format] : format;
  if (typeof r !== 'object' || r === null || Array.isArray(r) || !formats.includes(r.format as string)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${what} must be a ${formats.join(' or ')} object (as pixsim writes it), got ${describeValue(x)}${typeof r === 'object' && r !== null ? ` of format ${describeValue(r.format)}` : ''}.`,
      { option: what },
    );
  }
  for (const key of arrays) {
    if (!Array.isArray(r[key])) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${what}.${key} must be an array, got ${describeValue(r[key])}; the file is damaged or of another version.`,
        { option: what },
      );
    }
  }
}
