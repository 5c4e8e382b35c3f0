import {
  type BoundaryAttackResult,
  type PredictingModel,
  predictLabelsReads,
  runBoundaryAttackReads,
  deriveSeed,
} from '@pixsim/attacks';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BoundaryRecord, BoundaryRepeat, ModelRole } from '../result';
import type { ExperimentSpec } from '../spec';
import { positiveInt } from '../spec-fields';
import { median } from '../stats';
import type { EvaluationKind, TestImages } from './kind';
import { classifierOf, COLOURS, MODEL_LABELS, meanSemOf, seededIndices } from './style';

const BOUNDARY_STREAM = 0xb0a7;

/** The Boundary Attack (foolbox 3 semantics) against the model's own predictions. */
export interface BoundaryAttackSpec {
  readonly kind: 'boundary';
  /** Boundary-walk steps (the paper: 50). */
  readonly steps: number;
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

/** The test images the Boundary Attack uses in a cell: a seeded choice of `boundaryImages`. */
export function boundaryIndices(testSize: number, count: number, seed: number): number[] {
  return seededIndices(testSize, count, seed, BOUNDARY_STREAM);
}

type BoundaryArguments = [
  model: tfl.LayersModel | PredictingModel,
  role: ModelRole,
  steps: number,
  spec: ExperimentSpec,
  test: TestImages,
  seed: number,
];

/**
 * The Boundary Attack (foolbox 3 semantics, `steps` steps) against `model`'s own predictions, on the
 * cell's chosen test images, `boundaryRepeats` times: per image the success, L2 distance, squared L2
 * per pixel and queries, and per repeat the median squared L2 per pixel over successful images.
 */
export function evaluateBoundary(...args: BoundaryArguments): BoundaryRecord {
  return runReadsSync(boundaryReads(...args));
}

/** {@link evaluateBoundary} with asynchronous reads (see `evaluateCurveAsync`). */
export async function evaluateBoundaryAsync(...args: BoundaryArguments): Promise<BoundaryRecord> {
  return runReadsAsync(boundaryReads(...args));
}

function* repeatReads(
  ...[model, spec, images, steps, repeatSeed]: [
    model: ReturnType<typeof classifierOf>,
    spec: ExperimentSpec,
    images: tf.Tensor4D,
    steps: number,
    repeatSeed: number,
  ]
): TensorReads<BoundaryRepeat> {
  const [n, h, w, c] = images.shape;
  const d = h * w * c;
  const rep: BoundaryRepeat = {
    seed: repeatSeed,
    success: [],
    distances: [],
    squaredL2PerPixel: [],
    queries: [],
    medianSquaredL2PerPixel: null,
    successRate: 0,
  };
  for (let start = 0; start < n; start += spec.evaluation.batchSize) {
    const size = Math.min(spec.evaluation.batchSize, n - start);
    const batch = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
    let out: BoundaryAttackResult;
    try {
      out = yield* runBoundaryAttackReads(model, batch, { seed: repeatSeed, steps, indexOffset: start });
    } finally {
      batch.dispose();
    }
    out.adversarials.dispose();
    for (let i = 0; i < size; i++) {
      const ok = out.success[i];
      rep.success.push(ok);
      rep.distances.push(ok ? out.distances[i] : null);
      rep.squaredL2PerPixel.push(ok ? out.distances[i] ** 2 / d : null);
      rep.queries.push(out.queries[i]);
    }
  }
  const ok = rep.squaredL2PerPixel.filter((v): v is number => v !== null);
  rep.medianSquaredL2PerPixel = median(ok);
  rep.successRate = ok.length / n;
  return rep;
}

function* boundaryReads(
  ...[model, role, steps, spec, test, seed]: BoundaryArguments
): TensorReads<BoundaryRecord> {
  const clf = classifierOf(model, spec);
  const indices = boundaryIndices(test.labels.length, spec.scale.boundaryImages, seed);
  const images = tf.tidy(() => tf.gather(test.images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
  try {
    const n = images.shape[0];
    const predicted = yield* predictLabelsReads(clf, images);
    const cleanAccuracy = indices.filter((i, k) => predicted[k] === test.labels[i]).length / n;
    const repeats: BoundaryRepeat[] = [];
    for (let r = 0; r < spec.scale.boundaryRepeats; r++) {
      repeats.push(yield* repeatReads(clf, spec, images, steps, deriveSeed(seed, BOUNDARY_STREAM, r + 1)));
    }
    const medians = repeats.map((r) => r.medianSquaredL2PerPixel).filter((v): v is number => v !== null);
    const score = medians.length ? medians.reduce((a, b) => a + b, 0) / medians.length : null;
    return { model: role, steps, imageIndices: indices, cleanAccuracy, repeats, score };
  } finally {
    images.dispose();
  }
}

function chart(summaries: readonly BoundarySummary[]): Record<string, unknown> {
  const values = summaries.flatMap((b) =>
    b.mean === null
      ? []
      : [
          {
            model: MODEL_LABELS[b.model] ?? b.model,
            mean: b.mean,
            lo: b.mean - (b.sem ?? 0),
            hi: b.mean + (b.sem ?? 0),
          },
        ],
  );
  const x = { field: 'model', type: 'nominal', title: null, sort: COLOURS.domain, axis: { labelAngle: 0 } };
  const colour = { field: 'model', type: 'nominal', title: null, scale: COLOURS, legend: null };
  return {
    data: { values },
    width: 260,
    height: 260,
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour },
      },
      {
        mark: { type: 'point', filled: true, size: 120 },
        encoding: {
          x,
          y: {
            field: 'mean',
            type: 'quantitative',
            title: 'median squared L2 per pixel',
            axis: { format: '.2e' },
          },
          color: colour,
        },
      },
    ],
  };
}

/** The Boundary Attack: the paper's score, the median squared L2 per pixel over successful images. */
export const boundaryKind: EvaluationKind<BoundaryAttackSpec, BoundaryRecord, BoundarySummary> = {
  names: ['boundary'],
  section: 'boundary',
  recordKind: () => 'boundary',
  scaleKeys: ['boundaryImages', 'boundaryRepeats'],
  validate: (field, o) => ({ kind: 'boundary', steps: positiveInt(`${field}.steps`, o.steps) as number }),
  needsSurrogate: () => false,
  evaluate: (spec, ctx) =>
    evaluateBoundaryAsync(ctx.model, ctx.role, spec.steps, ctx.spec, ctx.test, ctx.seed),
  describe: (record) => `median squared L2 per pixel ${record.score?.toExponential(3) ?? '–'}`,
  sameRecord: (a, b) => a.model === b.model,
  aggregate(b, cells) {
    const scores = cells.map((c) => c.records.find((k) => k.model === b.model)?.score ?? null);
    const s = meanSemOf(
      scores,
      cells.map((c) => c.seed),
    );
    return {
      model: b.model,
      attack: 'boundary',
      metric: 'median squared L2 per pixel',
      mean: s.mean,
      sem: s.sem,
      values: scores.filter((v): v is number => typeof v === 'number'),
      seeds: s.seeds,
    };
  },
  csvRows: (b) => [[b.model, b.attack, b.metric, null, b.mean, b.sem, b.seeds.length, b.seeds.join(' ')]],
  tables(summaries) {
    if (!summaries.length) return [];
    const body = summaries.map(
      (b) =>
        `| ${b.model} | ${b.mean === null ? 'no adversarial found' : b.mean.toExponential(3)} | ${b.sem === null ? '–' : b.sem.toExponential(2)} | ${b.seeds.join(', ')} |`,
    );
    return [
      [
        '| Boundary Attack: median squared L2 per pixel | mean | SEM | seeds |',
        '| --- | ---: | ---: | --- |',
        ...body,
      ].join('\n'),
    ];
  },
  charts: (summaries) => (summaries.length ? [chart(summaries)] : []),
};
