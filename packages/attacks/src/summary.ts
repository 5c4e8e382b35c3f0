/** Mean and standard error of the mean over repeats, with the per-repeat values (plain JSON). */
export interface Summary {
  /** Mean over the repeats that have a value (`null` if none has). */
  mean: number | null;
  /** Standard error of the mean, `sd / √R` with the sample standard deviation (`null` for fewer than 2 values). */
  sem: number | null;
  /** One value per repeat (`null` where undefined, e.g. a median over zero successful images). */
  values: (number | null)[];
}

/** Summarises per-repeat values into mean ± SEM, ignoring `null` entries. */
export function summarize(values: readonly (number | null)[]): Summary {
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
