import {
  type Classifier,
  fgsmAttack,
  gaussianNoiseAttack,
  type PerturbationAttack,
  type PredictingModel,
  robustnessCurveReads,
  saltAndPepperNoiseAttack,
  uniformNoiseAttack,
} from '@pixsim/attacks';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/similarity';
import type * as tfl from '@tensorflow/tfjs-layers';
import { NoResultsError } from '../errors';
import { resolveGrid } from '../grid';
import type { CurveRecord, ModelRole } from '../result';
import type { EpsilonGrid, ExperimentSpec } from '../spec';
import { meanSem } from '../stats';
import type { EvaluationKind, TestImages } from './kind';
import { classifierOf, MODEL_LABELS, COLOURS } from './style';

/** Noise attacks on [0, 1] images, each noisy image clamped to its clean image's min/max (the paper's protocol). */
export type NoiseAttackKind = 'gaussian-noise' | 'uniform-noise' | 'salt-and-pepper-noise';

/** An accuracy-against-ε evaluation: a noise, or FGSM transferred from the surrogate. */
export interface CurveAttackSpec {
  /**
   * A noise attack, or `'transferred-fgsm'`: FGSM with the input gradient of an unregularized surrogate of
   * the same architecture trained with another seed.
   */
  readonly kind: NoiseAttackKind | 'transferred-fgsm';
  readonly epsilons: EpsilonGrid;
}

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

const ATTACK_LABELS: Record<string, string> = {
  'gaussian-noise': 'Gaussian noise ε',
  'uniform-noise': 'uniform noise ε',
  'salt-and-pepper-noise': 'salt-and-pepper probability ε',
  'transferred-fgsm': 'transferred FGSM ε (L∞)',
};

function perturbation(attack: CurveAttackSpec, surrogate: Classifier | null): PerturbationAttack {
  switch (attack.kind) {
    case 'gaussian-noise':
      return gaussianNoiseAttack();
    case 'uniform-noise':
      return uniformNoiseAttack();
    case 'salt-and-pepper-noise':
      return saltAndPepperNoiseAttack();
    case 'transferred-fgsm':
      if (!surrogate) throw new Error('transferred-fgsm needs the surrogate model (internal error).');
      return fgsmAttack({ surrogate });
  }
}

type CurveArguments = [
  model: tfl.LayersModel | PredictingModel,
  role: ModelRole,
  attack: CurveAttackSpec,
  spec: ExperimentSpec,
  test: TestImages,
  seed: number,
  surrogate: tfl.LayersModel | null,
];

/** Accuracy of `model` against one perturbation attack over its ε grid (noise seeded by the cell seed). */
export function evaluateCurve(...args: CurveArguments): CurveRecord {
  return runReadsSync(curveReads(...args));
}

/**
 * {@link evaluateCurve} with asynchronous reads (`await data()`): what the runner calls, so that it
 * evaluates on every engine, `webgpu` in Node included. Same record.
 */
export async function evaluateCurveAsync(...args: CurveArguments): Promise<CurveRecord> {
  return runReadsAsync(curveReads(...args));
}

function* curveReads(
  ...[model, role, attack, spec, test, seed, surrogate]: CurveArguments
): TensorReads<CurveRecord> {
  const epsilons = resolveGrid('epsilons', attack.epsilons);
  const attacker = perturbation(attack, surrogate ? classifierOf(surrogate, spec) : null);
  const curve = yield* robustnessCurveReads(classifierOf(model, spec), test, attacker, epsilons, {
    seed,
    batchSize: spec.evaluation.batchSize,
  });
  return {
    model: role,
    attack: attack.kind,
    n: curve.n,
    epsilons,
    accuracy: curve.accuracy.map((s) => s.mean as number),
  };
}

function chart(summaries: readonly CurveSummary[]): Record<string, unknown> {
  const values = summaries.flatMap((c) =>
    c.epsilons.map((epsilon, k) => {
      const sem = c.sem[k] ?? 0;
      return {
        model: MODEL_LABELS[c.model] ?? c.model,
        attack: ATTACK_LABELS[c.attack] ?? c.attack,
        epsilon,
        mean: c.mean[k],
        lo: Math.max(0, c.mean[k] - sem),
        hi: Math.min(1, c.mean[k] + sem),
      };
    }),
  );
  const x = { field: 'epsilon', type: 'quantitative', title: null, axis: { grid: false } };
  const colour = {
    field: 'model',
    type: 'nominal',
    title: null,
    scale: COLOURS,
    legend: { orient: 'bottom' },
  };
  return {
    data: { values },
    facet: {
      column: {
        field: 'attack',
        type: 'nominal',
        title: null,
        header: { labelFontSize: 13, labelOrient: 'bottom' },
      },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 400,
      height: 280,
      layer: [
        {
          mark: { type: 'area', opacity: 0.25 },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour },
        },
        {
          mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
          encoding: {
            x,
            y: {
              field: 'mean',
              type: 'quantitative',
              title: 'accuracy',
              scale: { domain: [0, 1] },
              axis: { format: '%' },
            },
            color: colour,
          },
        },
      ],
    },
  };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}`;

/** `mean ± SEM` of an accuracy in percent (`mean` alone with one seed). */
function cell(mean: number, sem: number | null): string {
  return sem === null ? pct(mean) : `${pct(mean)} ± ${pct(sem)}`;
}

/** The accuracy-against-ε kinds: Gaussian, uniform and salt-and-pepper noise, and transferred FGSM. */
export const curveKind: EvaluationKind<CurveAttackSpec, CurveRecord, CurveSummary> = {
  names: ['gaussian-noise', 'uniform-noise', 'salt-and-pepper-noise', 'transferred-fgsm'],
  section: 'curves',
  recordKind: (record) => record.attack,
  scaleKeys: [],
  validate(field, o) {
    const kind = o.kind as CurveAttackSpec['kind'];
    // Salt-and-pepper ε is a probability.
    const max = kind === 'salt-and-pepper-noise' ? 1 : Number.POSITIVE_INFINITY;
    resolveGrid(`${field}.epsilons`, o.epsilons as never, max);
    return { kind, epsilons: o.epsilons as never };
  },
  needsSurrogate: (spec) => spec.kind === 'transferred-fgsm',
  evaluate: (spec, ctx) =>
    evaluateCurveAsync(ctx.model, ctx.role, spec, ctx.spec, ctx.test, ctx.seed, ctx.surrogate),
  describe: (record) => record.accuracy.map((a) => `${(100 * a).toFixed(1)}%`).join(' '),
  sameRecord: (a, b) => a.model === b.model && a.attack === b.attack,
  aggregate(curve, cells) {
    const per = cells.map((c) => {
      const match = c.records.find((k) => k.model === curve.model && k.attack === curve.attack);
      if (!match) {
        throw new NoResultsError(
          '',
          `aggregate: seed ${c.seed} has no ${curve.attack} curve for the ${curve.model} model.`,
        );
      }
      return match.accuracy;
    });
    const stats = curve.epsilons.map((_, k) => meanSem(per.map((acc) => acc[k])));
    return {
      model: curve.model,
      attack: curve.attack,
      epsilons: [...curve.epsilons],
      mean: stats.map((s) => s.mean),
      sem: stats.map((s) => s.sem),
      seeds: cells.map((c) => c.seed),
    };
  },
  csvRows: (c) =>
    c.epsilons.map((e, k) => [
      c.model,
      c.attack,
      'accuracy',
      e,
      c.mean[k],
      c.sem[k],
      c.seeds.length,
      c.seeds.join(' '),
    ]),
  tables(summaries) {
    const attacks = [...new Set(summaries.map((c) => c.attack))];
    return attacks.map((attack) => {
      const rows = summaries.filter((c) => c.attack === attack);
      const eps = rows[0].epsilons;
      const header = `| ${attack} accuracy (%) | ${eps.map((e) => `ε = ${Number(e.toPrecision(3))}`).join(' | ')} |`;
      const rule = `| --- | ${eps.map(() => '---:').join(' | ')} |`;
      const body = rows.map((r) => `| ${r.model} | ${r.mean.map((m, k) => cell(m, r.sem[k])).join(' | ')} |`);
      return [header, rule, ...body].join('\n');
    });
  },
  charts: (summaries) => (summaries.length ? [chart(summaries)] : []),
};
