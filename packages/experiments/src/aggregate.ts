import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError, NoResultsError, SpecHashMismatchError } from './errors';
import { assertRecord } from './guards';
import { type CellResult, type ModelRole, RESULT_FORMATS } from './result';
import { sameScience } from './science';
import { meanSem } from './stats';

/** Version tag of `summary.json`. */
export const SUMMARY_FORMAT = 'pixsim-summary-1';

/** Mean ± SEM over seeds of one model's accuracy against one attack, per ε. */
export interface CurveSummary {
  model: ModelRole;
  attack: string;
  epsilons: number[];
  mean: number[];
  /** `null` with fewer than 2 seeds. */
  sem: (number | null)[];
  seeds: number[];
}

/** Mean ± SEM over seeds of one model's Boundary-Attack score (median squared L2 per pixel). */
export interface BoundarySummary {
  model: ModelRole;
  attack: 'boundary';
  metric: 'median squared L2 per pixel';
  /** `null` when no seed found any adversarial (every attack run failed to start). */
  mean: number | null;
  sem: number | null;
  /** Per seed, in the order of `seeds`. */
  values: number[];
  seeds: number[];
}

/** What `pixsim aggregate` writes as `summary.json`. */
export interface Summary {
  format: typeof SUMMARY_FORMAT;
  experiment: string;
  preset: string;
  specHash: string;
  title: string;
  caption: string;
  seeds: number[];
  reductions: string[];
  notes: string[];
  curves: CurveSummary[];
  boundary: BoundarySummary[];
}

/**
 * Aggregates cells of one experiment and preset over seeds: per model and attack, the mean and SEM
 * (sample standard deviation / √n) of the accuracy at each ε, and of the Boundary-Attack score. Throws
 * a {@link SpecHashMismatchError} when the cells' spec hashes differ, and refuses duplicate seeds.
 */
export function aggregate(cells: readonly CellResult[]): Summary {
  if (!Array.isArray(cells as unknown)) {
    throw new InvalidOptionError(
      PACKAGE,
      `aggregate: cells must be an array of result.json objects, got ${describeValue(cells)}.`,
      { option: 'cells' },
    );
  }
  for (const c of cells) assertRecord('aggregate', 'cell', c, RESULT_FORMATS, ['curves', 'boundary']);
  if (cells.length === 0) {
    throw new NoResultsError('', 'aggregate: no cell results given; run `pixsim run` first.');
  }
  const first = cells[0];
  const seen = new Set<number>();
  for (const c of cells) {
    // Hashes of one result format compare directly; across formats (version 1 hashed the whole spec and
    // preset) the cells are compared by what they computed.
    const mismatch = c.format === first.format ? c.specHash !== first.specHash : !sameScience(c, first);
    if (mismatch) {
      throw new SpecHashMismatchError(
        first.specHash,
        c.specHash,
        `seed ${c.seed} of ${c.experiment}/${c.preset}`,
        'Aggregate only cells run with the same spec, preset and data (re-run the odd cell, or move it to another folder).',
      );
    }
    if (seen.has(c.seed)) {
      throw new InvalidOptionError(PACKAGE, `aggregate: seed ${c.seed} appears twice; give each cell once.`, {
        option: 'seeds',
      });
    }
    seen.add(c.seed);
  }
  const sorted = [...cells].sort((a, b) => a.seed - b.seed);
  const seeds = sorted.map((c) => c.seed);
  const curves: CurveSummary[] = [];
  for (const curve of first.curves) {
    const per = sorted.map((c) => {
      const match = c.curves.find((k) => k.model === curve.model && k.attack === curve.attack);
      if (!match) {
        throw new NoResultsError(
          '',
          `aggregate: seed ${c.seed} has no ${curve.attack} curve for the ${curve.model} model.`,
        );
      }
      return match.accuracy;
    });
    const stats = curve.epsilons.map((_, k) => meanSem(per.map((acc) => acc[k])));
    curves.push({
      model: curve.model,
      attack: curve.attack,
      epsilons: [...curve.epsilons],
      mean: stats.map((s) => s.mean),
      sem: stats.map((s) => s.sem),
      seeds,
    });
  }
  const boundary: BoundarySummary[] = [];
  for (const b of first.boundary) {
    const values: number[] = [];
    const used: number[] = [];
    for (const c of sorted) {
      const score = c.boundary.find((k) => k.model === b.model)?.score;
      if (typeof score === 'number') {
        values.push(score);
        used.push(c.seed);
      }
    }
    const { mean, sem } = values.length ? meanSem(values) : { mean: null, sem: null };
    boundary.push({
      model: b.model,
      attack: 'boundary',
      metric: 'median squared L2 per pixel',
      mean,
      sem,
      values,
      seeds: used,
    });
  }
  return {
    format: SUMMARY_FORMAT,
    experiment: first.experiment,
    preset: first.preset,
    specHash: first.specHash,
    title: first.spec.figure.title,
    caption: first.spec.figure.caption,
    seeds,
    reductions: [...first.reductions],
    notes: [...first.notes],
    curves,
    boundary,
  };
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `summary.csv`: one row per model, attack and ε (Boundary: one row per model, empty ε). */
export function summaryToCsv(summary: Summary): string {
  assertRecord('summaryToCsv', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  const rows: (string | number | null)[][] = [
    ['model', 'attack', 'metric', 'epsilon', 'mean', 'sem', 'n', 'seeds'],
  ];
  for (const c of summary.curves) {
    c.epsilons.forEach((e, k) => {
      rows.push([c.model, c.attack, 'accuracy', e, c.mean[k], c.sem[k], c.seeds.length, c.seeds.join(' ')]);
    });
  }
  for (const b of summary.boundary) {
    rows.push([b.model, b.attack, b.metric, null, b.mean, b.sem, b.seeds.length, b.seeds.join(' ')]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
