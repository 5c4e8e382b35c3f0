import { InvalidSpecError } from './errors';
import type { TunedSpec, TuningSpec } from './spec';

function object(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidSpecError(field, v, `${field}: must be an object or absent, got ${JSON.stringify(v)}.`);
  }
  return v as Record<string, unknown>;
}

/** Checks the `tuning` section of a spec (the cells of `pixsim tune`). */
export function validateTuning(v: unknown): TuningSpec {
  const t = object('tuning', v);
  if (t.role !== 'unregularized' && t.role !== 'regularized') {
    throw new InvalidSpecError(
      'tuning.role',
      t.role,
      `tuning.role: must be 'unregularized' or 'regularized', got ${JSON.stringify(t.role)}.`,
    );
  }
  const f = t.validationFraction;
  if (typeof f !== 'number' || !(f > 0 && f < 1)) {
    throw new InvalidSpecError(
      'tuning.validationFraction',
      f,
      `tuning.validationFraction: must be in (0, 1), got ${JSON.stringify(f)} (pixsim tune's default: 0.1).`,
    );
  }
  if (typeof t.baseline !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(t.baseline)) {
    throw new InvalidSpecError(
      'tuning.baseline',
      t.baseline,
      `tuning.baseline: the spec id of the tune's unregularized cells, got ${JSON.stringify(t.baseline)}.`,
    );
  }
  return { role: t.role, validationFraction: f, baseline: t.baseline };
}

/** Checks the `tuned` section of a spec (where a reproduction's α and Th came from). */
export function validateTuned(v: unknown): TunedSpec {
  const t = object('tuned', v);
  if (t.source !== 'tune' && t.source !== 'flags') {
    throw new InvalidSpecError(
      'tuned.source',
      t.source,
      `tuned.source: must be 'tune' or 'flags', got ${JSON.stringify(t.source)}.`,
    );
  }
  const r = object('tuned.replaced', t.replaced);
  if (typeof r.alpha !== 'number' || typeof r.th !== 'number') {
    throw new InvalidSpecError(
      'tuned.replaced',
      r,
      'tuned.replaced: must be { "alpha": number, "th": number }, the pair the shipped spec had.',
    );
  }
  const seeds = t.tuneSeeds;
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((s) => Number.isInteger(s)))) {
    throw new InvalidSpecError('tuned.tuneSeeds', seeds, 'tuned.tuneSeeds: must be a list of integer seeds.');
  }
  for (const key of ['file', 'tunePreset'] as const) {
    if (t[key] !== undefined && typeof t[key] !== 'string') {
      throw new InvalidSpecError(`tuned.${key}`, t[key], `tuned.${key}: must be a string or absent.`);
    }
  }
  return {
    source: t.source,
    replaced: { alpha: r.alpha, th: r.th },
    ...(t.file === undefined ? {} : { file: t.file as string }),
    ...(seeds === undefined ? {} : { tuneSeeds: [...(seeds as number[])] }),
    ...(t.tunePreset === undefined ? {} : { tunePreset: t.tunePreset as string }),
  };
}
