import { assertNumbers } from './guards';

/** Mean and standard error of the mean of `values` (SEM = sample standard deviation / √n; `null` for n < 2). */
export function meanSem(values: readonly number[]): { mean: number; sem: number | null } {
  assertNumbers('meanSem', values, true);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sem: null };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sem: Math.sqrt(variance / n) };
}

/** The median of `values` (mean of the two middle values for an even count); `null` when empty. */
export function median(values: readonly number[]): number | null {
  assertNumbers('median', values, false);
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
