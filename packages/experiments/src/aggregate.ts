import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError, NoResultsError, SpecHashMismatchError } from './errors';
import { assertRecord } from './guards';
import { type CellResult, type ModelRole, RESULT_FORMATS } from './result';
import { sameScience } from './science';
import { type BoundarySummary, boundaryKind } from './kinds/boundary';
import { type CurveSummary, curveKind } from './kinds/curve';
import type { AnyEvaluationKind, KindSection } from './kinds/kind';
import { EVALUATION_KINDS } from './kinds/registry';

/** Version tag of `summary.json`. */
export const SUMMARY_FORMAT = 'pixsim-summary-1';

export type { CurveSummary } from './kinds/curve';
export type { BoundarySummary } from './kinds/boundary';

/** A summary of a kind in `evaluations` (the kind's file declares its full type, e.g. `SquareSummary`). */
export interface EvaluationSummary {
  kind: string;
  model: ModelRole;
  [field: string]: unknown;
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
  /** Summaries of the kinds in results' `evaluations` (absent when there are none). */
  evaluations?: EvaluationSummary[];
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
  for (const c of cells) {
    assertRecord('aggregate', 'cell', c, RESULT_FORMATS, ['curves', 'boundary']);
    if (c.evaluations !== undefined) assertRecord('aggregate', 'cell', c, RESULT_FORMATS, ['evaluations']);
  }
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
  const sections = aggregateSections(first, sorted);
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
    ...sections,
  };
}

type Sections = Pick<Summary, 'curves' | 'boundary' | 'evaluations'>;

/** The records of `section` in a cell (`evaluations` may be absent). */
function recordsOf(cell: CellResult, section: KindSection): { model: ModelRole }[] {
  return (cell[section] ?? []) as { model: ModelRole }[];
}

/**
 * Each record of the first cell, aggregated over the cells by its kind (in the first cell's order, so the
 * summaries of the older kinds keep their order and values).
 */
function aggregateSections(first: CellResult, sorted: readonly CellResult[]): Sections {
  const out: Record<KindSection, unknown[]> = { curves: [], boundary: [], evaluations: [] };
  for (const section of ['curves', 'boundary', 'evaluations'] as const) {
    for (const record of recordsOf(first, section)) {
      const kind = kindOfRecord(section, record, first.seed);
      const name = kind.recordKind(record);
      const cells = sorted.map((c) => ({
        seed: c.seed,
        records: recordsOf(c, section).filter((r) => kindOfRecord(section, r, c.seed).recordKind(r) === name),
      }));
      out[section].push(kind.aggregate(record, cells));
    }
  }
  return {
    curves: out.curves as CurveSummary[],
    boundary: out.boundary as BoundarySummary[],
    ...(out.evaluations.length ? { evaluations: out.evaluations as EvaluationSummary[] } : {}),
  };
}

/** The registered kind of a record, or a typed error for a record no kind of this version knows. */
function kindOfRecord(section: KindSection, record: unknown, seed: number): AnyEvaluationKind {
  const r = record as Record<string, unknown> | null;
  const name = section === 'curves' ? r?.attack : section === 'boundary' ? 'boundary' : r?.kind;
  const kind = EVALUATION_KINDS.find((k) => k.section === section && k.names.includes(name as string));
  if (!kind) {
    throw new InvalidOptionError(
      'cells',
      `aggregate: seed ${seed} holds a ${section} record of kind ${describeValue(name)}, which this version of pixsim does not know; update pixsim.`,
    );
  }
  return kind;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `summary.csv`: one row per model, attack and ε (Boundary: one row per model, empty ε), then the rows of
 * the other kinds (each names its metric; ε where it has one).
 */
export function summaryToCsv(summary: Summary): string {
  assertRecord('summaryToCsv', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  const rows: (string | number | null)[][] = [
    ['model', 'attack', 'metric', 'epsilon', 'mean', 'sem', 'n', 'seeds'],
  ];
  for (const c of summary.curves) rows.push(...curveKind.csvRows(c));
  for (const b of summary.boundary) rows.push(...boundaryKind.csvRows(b));
  for (const e of summary.evaluations ?? []) rows.push(...kindOfRecord('evaluations', e, 0).csvRows(e));
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
