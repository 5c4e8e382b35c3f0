import { deriveSeed, runSquareAttackReads, type SquareAttackResult } from '@pixsim/attacks';
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

const SQUARE_STREAM = 0x5a0a;

/**
 * The Square Attack (Andriushchenko et al. 2020; score-based, margin loss on the logits) on a seeded choice
 * of `scale.blackBoxImages` test images at their true labels, within `scale.blackBoxQueries` queries per
 * image, once per threat model. Robust accuracy at the budget and against queries.
 */
export interface SquareAttackSpec {
  readonly kind: 'square';
  readonly threats: readonly BlackBoxThreat[];
}

/** The Square Attack against one model under one threat model; per-image arrays follow `imageIndices`. */
export interface SquareThreatRecord extends BlackBoxThreat {
  /** Seed of the run (derived from the cell seed and the threat's position). */
  seed: number;
  /** Misclassified within ε and the budget (images misclassified clean: at 0 queries). */
  success: boolean[];
  /** Attack queries per image (up to the first success; the clean query not counted). */
  queries: number[];
  /** Fraction of images not fooled within the budget. */
  robustAccuracy: number;
  /** Median queries to success over fooled images (`null` if none). */
  medianQueries: number | null;
  /** Robust accuracy within `queryGrid[k]` queries. */
  accuracyAtQueries: number[];
}

/** The Square Attack against one model (`result.json`, in `evaluations`). */
export interface SquareRecord {
  kind: 'square';
  model: ModelRole;
  maxQueries: number;
  /** Indices (in the evaluated test set) of the attacked images. */
  imageIndices: number[];
  /** Clean accuracy of the model on those images. */
  cleanAccuracy: number;
  queryGrid: number[];
  threats: SquareThreatRecord[];
}

/** Mean ± SEM over seeds of one model's Square-Attack results (`summary.json`, in `evaluations`). */
export interface SquareSummary {
  kind: 'square';
  model: ModelRole;
  maxQueries: number;
  queryGrid: number[];
  cleanAccuracy: MeanSem;
  threats: (BlackBoxThreat & {
    robustAccuracy: MeanSem;
    medianQueries: MeanSem;
    accuracyAtQueries: MeanSemList;
  })[];
  seeds: number[];
}

function threatRecord(
  threat: BlackBoxThreat,
  seed: number,
  outs: readonly SquareAttackResult[],
  grid: readonly number[],
): SquareThreatRecord {
  const success = outs.flatMap((o) => o.success);
  const queries = outs.flatMap((o) => Array.from(o.queries));
  const n = success.length;
  // Square stops an image at its first success inside the ε-ball: fooled within q ⇔ success ∧ queries ≤ q.
  const robustWithin = (q: number) => success.filter((ok, i) => !(ok && queries[i] <= q)).length / n;
  return {
    ...threat,
    seed,
    success,
    queries,
    robustAccuracy: success.filter((ok) => !ok).length / n,
    medianQueries: median(queries.filter((_, i) => success[i])),
    accuracyAtQueries: grid.map(robustWithin),
  };
}

function* squareReads(spec: SquareAttackSpec, ctx: EvaluationContext): TensorReads<SquareRecord> {
  const budget = ctx.spec.scale.blackBoxQueries as number;
  const grid = queryGrid(budget);
  const clf = classifierOf(ctx.model, ctx.spec);
  const chosen = yield* attackedImagesReads(ctx);
  try {
    const n = chosen.indices.length;
    const threats: SquareThreatRecord[] = [];
    for (const [t, threat] of spec.threats.entries()) {
      const seed = deriveSeed(ctx.seed, SQUARE_STREAM, t);
      const outs: SquareAttackResult[] = [];
      for (let start = 0; start < n; start += ctx.spec.evaluation.batchSize) {
        const size = Math.min(ctx.spec.evaluation.batchSize, n - start);
        const batch = tf.slice(chosen.images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
        try {
          const out = yield* runSquareAttackReads(clf, batch, threat.epsilon, {
            seed,
            norm: threat.norm,
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
      threats.push(threatRecord(threat, seed, outs, grid));
    }
    return {
      kind: 'square',
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

/** The Square Attack kind (`{ kind: 'square', threats: [{ norm, epsilon }] }`). */
export const squareKind: EvaluationKind<SquareAttackSpec, SquareRecord, SquareSummary> = {
  names: ['square'],
  section: 'evaluations',
  recordKind: (record) => record.kind,
  scaleKeys: ['blackBoxImages', 'blackBoxQueries'],
  validate(field, o) {
    onlyKeys(field, o, ['kind', 'threats']);
    return { kind: 'square', threats: validateThreats(`${field}.threats`, o.threats) };
  },
  needsSurrogate: () => false,
  evaluate: (spec, ctx) => runReadsAsync(squareReads(spec, ctx)),
  describe: (r) =>
    r.threats
      .map(
        (t) => `${threatLabel(t)}: robust ${(100 * t.robustAccuracy).toFixed(1)}% at ${r.maxQueries} queries`,
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
          `aggregate: seed ${c.seed} has no Square Attack record for the ${first.model} model.`,
        );
      }
      return match;
    });
    return {
      kind: 'square',
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
        medianQueries: seedStats(
          per.map((r) => r.threats[t].medianQueries),
          seeds,
        ),
        accuracyAtQueries: seedListStats(
          per.map((r) => r.threats[t].accuracyAtQueries),
          seeds,
        ),
      })),
      seeds,
    };
  },
  csvRows(s) {
    const tail = [s.seeds.length, s.seeds.join(' ')];
    return [
      [s.model, 'square', 'clean accuracy', null, s.cleanAccuracy.mean, s.cleanAccuracy.sem, ...tail],
      ...s.threats.flatMap((t) =>
        s.queryGrid.map((q, k) => [
          s.model,
          'square',
          `robust accuracy (${t.norm}) at ${q} queries`,
          t.epsilon,
          t.accuracyAtQueries.mean[k],
          t.accuracyAtQueries.sem[k],
          ...tail,
        ]),
      ),
    ];
  },
  tables(summaries) {
    if (!summaries.length) return [];
    const grid = summaries[0].queryGrid;
    const shown = grid.filter((q, k) => k === grid.length - 1 || /^10*$/.test(String(q)));
    return summaries[0].threats.map((threat, t) =>
      markdownTable(
        [
          `Square Attack ${threatLabel(threat)}: accuracy (%)`,
          'clean',
          ...shown.map((q) => `${q.toLocaleString('en')} queries`),
          'median queries to success',
        ],
        ['---', '---:', ...shown.map(() => '---:'), '---:'],
        summaries.map((s) => {
          const at = s.threats[t].accuracyAtQueries;
          const mq = s.threats[t].medianQueries;
          return [
            s.model,
            percentCell(s.cleanAccuracy.mean, s.cleanAccuracy.sem),
            ...shown.map((q) => percentCell(at.mean[grid.indexOf(q)], at.sem[grid.indexOf(q)])),
            mq.mean === null
              ? '–'
              : mq.sem === null
                ? `${Math.round(mq.mean)}`
                : `${Math.round(mq.mean)} ± ${Math.round(mq.sem)}`,
          ];
        }),
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
                panel: `Square Attack, ${threatLabel(t)}`,
                queries: s.queryGrid,
                stats: t.accuracyAtQueries,
              })),
            ),
            { title: 'robust accuracy', unit: true },
          ),
        ]
      : [],
};
