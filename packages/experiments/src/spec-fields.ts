import { InvalidSpecError } from './errors';

/** Reads `obj[key]` as an object, or throws naming the field (`field` defaults to `key`). */
export function section(obj: Record<string, unknown>, key: string, field = key): Record<string, unknown> {
  const v = obj[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidSpecError(
      field,
      v,
      `${field}: the spec needs an object here, got ${JSON.stringify(v)}.`,
    );
  }
  return v as Record<string, unknown>;
}

/** `v` if it is one of `allowed`, else an {@link InvalidSpecError} listing them. */
export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new InvalidSpecError(
      field,
      v,
      `${field}: must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}.`,
    );
  }
  return v as T;
}

/** A positive integer (or `'all'` where allowed). */
export function positiveInt(field: string, v: unknown, allowAll = false): number | 'all' {
  if (allowAll && v === 'all') return 'all';
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidSpecError(
      field,
      v,
      `${field}: must be a positive integer${allowAll ? " or 'all'" : ''}, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

/** A non-empty string. */
export function text(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new InvalidSpecError(field, v, `${field}: must be a non-empty string, got ${JSON.stringify(v)}.`);
  }
  return v;
}

/**
 * Throws an {@link InvalidSpecError} naming the first key of `obj` not in `allowed` (a misspelt field
 * would otherwise be dropped silently).
 */
export function onlyKeys(field: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(obj).find((k) => !allowed.includes(k));
  if (extra !== undefined) {
    throw new InvalidSpecError(
      `${field}.${extra}`,
      obj[extra],
      `${field}.${extra}: not a field of this evaluation; it takes ${allowed.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
}
