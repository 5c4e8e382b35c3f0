import { InvalidOptionError } from './errors';

/** A short, never-throwing description of a value for messages. */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined || typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (typeof x === 'string') return `'${x.slice(0, 40)}'`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return `a ${typeof x}`;
}

/** Throws {@link InvalidOptionError} unless `values` is an array of finite numbers (non-empty if asked). */
export function assertNumbers(fn: string, values: unknown, nonEmpty: boolean): asserts values is number[] {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidOptionError(
      'values',
      `${fn}: values must be an array of finite numbers (one per seed), got ${describeValue(values)}.`,
    );
  }
  if (nonEmpty && values.length === 0) {
    throw new InvalidOptionError(
      'values',
      `${fn}: values are empty; the mean of no seed is undefined, pass at least one.`,
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
      what,
      `${fn}: ${what} must be a ${formats.join(' or ')} object (as pixsim writes it), got ${describeValue(x)}${typeof r === 'object' && r !== null ? ` of format ${describeValue(r.format)}` : ''}.`,
    );
  }
  for (const key of arrays) {
    if (!Array.isArray(r[key])) {
      throw new InvalidOptionError(
        what,
        `${fn}: ${what}.${key} must be an array, got ${describeValue(r[key])}; the file is damaged or of another version.`,
      );
    }
  }
}
