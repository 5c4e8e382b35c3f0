import { deriveSeed, type HopSkipJumpResult, robustAccuracyAt, runHopSkipJumpReads } from '@pixsim/attacks';
import { runReadsAsync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { NoResultsError } from '../errors';
import type { ModelRole } from '../result';
import { onlyKeys } from '../spec-fields';
import { median } from '../stats';
import {
  attackedImagesReads,
  type BlackBoxThreat,
  type MeanSem,
  type MeanSemList,
  queriesChart,
  queryGrid,
  seedListStats,
  seedStats,
  threatLabel,
  validateThreats,
} from './black-box';
import type { EvaluationContext, EvaluationKind } from './kind';
import { classifierOf, markdownTable, percentCell } from './style';

const HSJ_STREAM = 0x45a1;
/** Iterations at most: the query budget ends every run long before (an iteration costs ≥ 100 queries). */
const MAX_STEPS = 1000;

/**
 * HopSkipJump (Chen et al. 2020; decision-based) on the same images as the Square Attack (a seeded choice of
 * `scale.blackBoxImages` test images, true labels), within `scale.blackBoxQueries` queries per image, once
 * per threat model: the median distance against queries, and the robust accuracy at ε within the budget.
 */
export interface HopSkipJumpSpec {
  readonly kind: 'hop-skip-jump';
  readonly threats: readonly BlackBoxThreat[];
}

/** HopSkipJump against one model under one threat model; per-image arrays follow `imageIndices`. */
export interface HopSkipJumpThreatRecord extends BlackBoxThreat {
  seed: number;
  /** Whether the initialisation found an adversarial (at any distance). */
  success: boolean[];
  /** Distance of the closest adversarial in the norm (`null` where none was found). */
  distances: (number | null)[];
  /** Model queries per image (label check, initialisation, iterations). */
  queries: number[];
  /** Fraction of images with no adversarial within ε and the budget. */
  robustAccuracy: number;
  /** Median distance over successful images the model classifies correctly clean (`null` if none). */
  medianDistance: number | null;
  /** Robust accuracy at ε within `queryGrid[k]` queries. */
  accuracyAtQueries: number[];
  /**
   * Median, over the images the model classifies correctly clean, of the closest distance found within
   * `queryGrid[k]` queries (`null` while over half have none, or with no such image).
   */
  medianDistanceAtQueries: (number | null)[];
}

/** HopSkipJump against one model (`result.json`, in `evaluations`). */
export interface HopSkipJumpRecord {
  kind: 'hop-skip-jump';
  model: ModelRole;
  maxQueries: number;
  imageIndices: number[];
  cleanAccuracy: number;
  queryGrid: number[];
  threats: HopSkipJumpThreatRecord[];
}

/** Mean ± SEM over seeds of one model's HopSkipJump results (`summary.json`, in `evaluations`). */
export interface HopSkipJumpSummary {
  kind: 'hop-skip-jump';
  model: ModelRole;
  maxQueries: number;
  queryGrid: number[];
  cleanAccuracy: MeanSem;
  threats: (BlackBoxThreat & {
    robustAccuracy: MeanSem;
    medianDistance: MeanSem;
    accuracyAtQueries: MeanSemList;
    medianDistanceAtQueries: MeanSemList;
  })[];
  seeds: number[];
}

/** Per image, the closest distance found within `q` queries (`Infinity` if none), from the run's history. */
function distanceWithin(out: HopSkipJumpResult, i: number, q: number): number {
  const h = out.history[i];
  let best = Number.POSITIVE_INFINITY;
  for (let j = 0; j < h.queries.length && h.queries[j] <= q; j++) best = Math.min(best, h.distances[j]);
  return best;
}

/** The median of `values` (`Infinity` allowed); `null` where it is infinite (over half the images have no adversarial yet). */
function medianOrNull(values: number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return Number.isFinite(v) ? v : null;
}

function threatRecord(
  threat: BlackBoxThreat,
  seed: number,
  outs: readonly HopSkipJumpResult[],
  grid: readonly number[],
  budget: number,
): HopSkipJumpThreatRecord {
  const success = outs.flatMap((o) => o.success);
  const distances = outs.flatMap((o) => Array.from(o.distances, (d) => (Number.isFinite(d) ? d : null)));
  const n = success.length;
  // Images the model misclassifies clean sit at distance 0: the distance statistics are over the others.
  const attacked = distances.map((d) => d !== 0);
  const atQueries = (q: number) =>
    outs.flatMap((o) => o.success.map((_, i) => distanceWithin(o, i, q))).filter((_, i) => attacked[i]);
  const accuracyAt = (q: number) =>
    outs.reduce(
      (k, o) =>
        k + robustAccuracyAt(o, { epsilon: threat.epsilon, maxQueries: q }).fooled.filter((f) => !f).length,
      0,
    ) / n;
  const medianAt = (q: number) => (attacked.some(Boolean) ? medianOrNull(atQueries(q)) : null);
  return {
    ...threat,
    seed,
    success,
    distances,
    queries: outs.flatMap((o) => Array.from(o.queries)),
    robustAccuracy: accuracyAt(budget),
    medianDistance: median(distances.filter((d): d is number => d !== null && d > 0)),
    accuracyAtQueries: grid.map(accuracyAt),
    medianDistanceAtQueries: grid.map(medianAt),
  };
}

function* hopSkipJumpReads(spec: HopSkipJumpSpec, ctx: EvaluationContext): TensorReads<HopSkipJumpRecord> {
  const budget = ctx.spec.scale.blackBoxQueries as number;
  const grid = queryGrid(budget);
  const clf = classifierOf(ctx.model, ctx.spec);
  const chosen = yield* attackedImagesReads(ctx);
  try {
    const n = chosen.indices.length;
    const threats: HopSkipJumpThreatRecord[] = [];
    for (const [t, threat] of spec.threats.entries()) {
      const seed = deriveSeed(ctx.seed, HSJ_STREAM, t);
      const outs: HopSkipJumpResult[] = [];
      for (let start = 0; start < n; start += ctx.spec.evaluation.batchSize) {
        const size = Math.min(ctx.spec.evaluation.batchSize, n - start);
        const batch = tf.slice(chosen.images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
        try {
          const out = yield* runHopSkipJumpReads(clf, batch, {
            seed,
            norm: threat.norm,
            steps: MAX_STEPS,
            maxQueries: budget,
            labels: chosen.labels.subarray(start, start + size),
            indexOffset: start,
          });
          out.adversarials.dispose();
          outs.push(out);
        } finally {
          batch.dispose();
        }
      }
      threats.push(threatRecord(threat, seed, outs, grid, budget));
    }
    return {
      kind: 'hop-skip-jump',
      model: ctx.role,
      maxQueries: budget,
      imageIndices: chosen.indices,
      cleanAccuracy: chosen.cleanAccuracy,
      queryGrid: grid,
      threats,
    };
  } finally {
    chosen.images.dispose();
  }
}

const distanceCell = (s: MeanSem) =>
  s.mean === null
    ? '–'
    : s.sem === null
      ? s.mean.toPrecision(3)
      : `${s.mean.toPrecision(3)} ± ${s.sem.toPrecision(2)}`;

/** The HopSkipJump kind (`{ kind: 'hop-skip-jump', threats: [{ norm, epsilon }] }`). */
export const hopSkipJumpKind: EvaluationKind<HopSkipJumpSpec, HopSkipJumpRecord, HopSkipJumpSummary> = {
  names: ['hop-skip-jump'],
  section: 'evaluations',
  recordKind: (record) => record.kind,
  scaleKeys: ['blackBoxImages', 'blackBoxQueries'],
  validate(field, o) {
    onlyKeys(field, o, ['kind', 'threats']);
    return { kind: 'hop-skip-jump', threats: validateThreats(`${field}.threats`, o.threats) };
  },
  needsSurrogate: () => false,
  evaluate: (spec, ctx) => runReadsAsync(hopSkipJumpReads(spec, ctx)),
  describe: (r) =>
    r.threats
      .map(
        (t) =>
          `${t.norm} median distance ${t.medianDistance?.toPrecision(3) ?? '–'}, robust ${(100 * t.robustAccuracy).toFixed(1)}% at ε = ${t.epsilon}`,
      )
      .join(', '),
  sameRecord: (a, b) => a.model === b.model,
  aggregate(first, cells) {
    const seeds = cells.map((c) => c.seed);
    const per = cells.map((c) => {
      const match = c.records.find((r) => r.model === first.model);
      if (!match) {
        throw new NoResultsError(
          '',
          `aggregate: seed ${c.seed} has no HopSkipJump record for the ${first.model} model.`,
        );
      }
      return match;
    });
    return {
      kind: 'hop-skip-jump',
      model: first.model,
      maxQueries: first.maxQueries,
      queryGrid: [...first.queryGrid],
      cleanAccuracy: seedStats(
        per.map((r) => r.cleanAccuracy),
        seeds,
      ),
      threats: first.threats.map((threat, t) => ({
        norm: threat.norm,
        epsilon: threat.epsilon,
        robustAccuracy: seedStats(
          per.map((r) => r.threats[t].robustAccuracy),
          seeds,
        ),
        medianDistance: seedStats(
          per.map((r) => r.threats[t].medianDistance),
          seeds,
        ),
        accuracyAtQueries: seedListStats(
          per.map((r) => r.threats[t].accuracyAtQueries),
          seeds,
        ),
        medianDistanceAtQueries: seedListStats(
          per.map((r) => r.threats[t].medianDistanceAtQueries),
          seeds,
        ),
      })),
      seeds,
    };
  },
  csvRows(s) {
    const tail = [s.seeds.length, s.seeds.join(' ')];
    return [
      [s.model, 'hop-skip-jump', 'clean accuracy', null, s.cleanAccuracy.mean, s.cleanAccuracy.sem, ...tail],
      ...s.threats.flatMap((t) => [
        ...s.queryGrid.map((q, k) => [
          s.model,
          'hop-skip-jump',
          `median ${t.norm} distance at ${q} queries`,
          null,
          t.medianDistanceAtQueries.mean[k],
          t.medianDistanceAtQueries.sem[k],
          ...tail,
        ]),
        [
          s.model,
          'hop-skip-jump',
          `robust accuracy (${t.norm}) at ${s.maxQueries} queries`,
          t.epsilon,
          t.robustAccuracy.mean,
          t.robustAccuracy.sem,
          ...tail,
        ],
      ]),
    ];
  },
  tables(summaries) {
    if (!summaries.length) return [];
    return summaries[0].threats.map((threat, t) =>
      markdownTable(
        [
          `HopSkipJump ${threat.norm === 'linf' ? 'L∞' : 'L2'}, ${summaries[0].maxQueries.toLocaleString('en')} queries`,
          'clean accuracy (%)',
          `robust accuracy at ${threatLabel(threat)} (%)`,
          'median distance',
        ],
        ['---', '---:', '---:', '---:'],
        summaries.map((s) => [
          s.model,
          percentCell(s.cleanAccuracy.mean, s.cleanAccuracy.sem),
          percentCell(s.threats[t].robustAccuracy.mean, s.threats[t].robustAccuracy.sem),
          distanceCell(s.threats[t].medianDistance),
        ]),
      ),
    );
  },
  charts: (summaries) =>
    summaries.length
      ? [
          queriesChart(
            summaries.flatMap((s) =>
              s.threats.map((t) => ({
                model: s.model,
                panel: `HopSkipJump, ${t.norm === 'linf' ? 'L∞' : 'L2'}`,
                queries: s.queryGrid,
                stats: t.medianDistanceAtQueries,
              })),
            ),
            { title: 'median distance', unit: false },
          ),
        ]
      : [],
};
