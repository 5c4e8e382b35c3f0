import { type BlackBoxNorm, predictLabelsReads } from '@pixsim/attacks';
import type { TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidSpecError } from '../errors';
import type { ModelRole } from '../result';
import { oneOf, onlyKeys } from '../spec-fields';
import type { EvaluationContext } from './kind';
import { bandLayers, classifierOf, MODEL_LABELS, meanSemOf, seededIndices } from './style';

/** Stream of the images the score- and decision-based black-box kinds (Square, HopSkipJump) attack. */
const BLACK_BOX_STREAM = 0xb1ac;

/** A threat model of a black-box kind: an L∞ or L2 ball of radius ε on [0, 1] images. */
export interface BlackBoxThreat {
  readonly norm: BlackBoxNorm;
  /** Radius of the ball: an image counts as robust when no adversarial within ε was found. */
  readonly epsilon: number;
}

/** Mean and SEM over seeds (`null` SEM with one seed, `null` mean where no seed has a value). */
export interface MeanSem {
  mean: number | null;
  sem: number | null;
}

/** Per-position mean and SEM over seeds of a list of values. */
export interface MeanSemList {
  mean: (number | null)[];
  sem: (number | null)[];
}

/** Checks `threats`: a non-empty list of `{ norm: 'linf' | 'l2', epsilon > 0 }`, each norm once. */
export function validateThreats(field: string, raw: unknown): BlackBoxThreat[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InvalidSpecError(
      field,
      raw,
      `${field}: list at least one threat model, e.g. [{ "norm": "linf", "epsilon": 0.03137 }], got ${JSON.stringify(raw)}.`,
    );
  }
  const threats = raw.map((t, i) => {
    const f = `${field}[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      throw new InvalidSpecError(
        f,
        t,
        `${f}: a threat model is { "norm": "linf" | "l2", "epsilon": number > 0 }.`,
      );
    }
    const o = t as Record<string, unknown>;
    onlyKeys(f, o, ['norm', 'epsilon']);
    const norm = oneOf(`${f}.norm`, o.norm, ['linf', 'l2'] as const);
    const eps = o.epsilon;
    const max = norm === 'linf' ? 1 : Number.POSITIVE_INFINITY;
    if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps > 0 && eps <= max)) {
      throw new InvalidSpecError(
        `${f}.epsilon`,
        eps,
        `${f}.epsilon: the ball's radius must be a finite number > 0${norm === 'linf' ? ' and ≤ 1 (L∞ on [0, 1] images)' : ''}, ` +
          `got ${JSON.stringify(eps)} (e.g. 8/255 ≈ 0.0314 for L∞, 0.5 for L2).`,
      );
    }
    return { norm, epsilon: eps };
  });
  const norms = threats.map((t) => t.norm);
  const dup = norms.find((n, i) => norms.indexOf(n) !== i);
  if (dup) {
    throw new InvalidSpecError(
      field,
      dup,
      `${field}: the norm '${dup}' is listed twice; list each norm once.`,
    );
  }
  return threats;
}

/** Query counts the curves are read at: 1, 2, 5, 10, 20, 50, … below `budget`, and `budget`. */
export function queryGrid(budget: number): number[] {
  const grid: number[] = [];
  for (let decade = 1; decade < budget; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade < budget) grid.push(m * decade);
  }
  grid.push(budget);
  return grid;
}

/** The images a black-box kind attacks in a cell: a seeded choice of `blackBoxImages` test images. */
export function blackBoxIndices(testSize: number, count: number, seed: number): number[] {
  return seededIndices(testSize, count, seed, BLACK_BOX_STREAM);
}

/** The attacked images of a cell (dispose them), their true labels and the model's clean accuracy on them. */
export function* attackedImagesReads(
  ctx: EvaluationContext,
): TensorReads<{ indices: number[]; images: tf.Tensor4D; labels: Int32Array; cleanAccuracy: number }> {
  const count = ctx.spec.scale.blackBoxImages as number;
  const indices = blackBoxIndices(ctx.test.labels.length, count, ctx.seed);
  const images = tf.tidy(() => tf.gather(ctx.test.images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
  try {
    const labels = Int32Array.from(indices, (i) => ctx.test.labels[i]);
    const predicted = yield* predictLabelsReads(classifierOf(ctx.model, ctx.spec), images);
    const cleanAccuracy = predicted.filter((p, k) => p === labels[k]).length / indices.length;
    return { indices, images, labels, cleanAccuracy };
  } catch (error) {
    images.dispose();
    throw error;
  }
}

/** Mean ± SEM of one number per seed. */
export function seedStats(values: readonly (number | null)[], seeds: readonly number[]): MeanSem {
  const { mean, sem } = meanSemOf(values, seeds);
  return { mean, sem };
}

/** Mean ± SEM per position of one list per seed (all of one length). */
export function seedListStats(
  lists: readonly (readonly (number | null)[])[],
  seeds: readonly number[],
): MeanSemList {
  const length = lists[0]?.length ?? 0;
  const stats = Array.from({ length }, (_, k) =>
    seedStats(
      lists.map((l) => l[k]),
      seeds,
    ),
  );
  return { mean: stats.map((s) => s.mean), sem: stats.map((s) => s.sem) };
}

/** A threat in words: `L∞ ε = 0.0314`. */
export function threatLabel(t: BlackBoxThreat): string {
  return `${t.norm === 'linf' ? 'L∞' : 'L2'} ε = ${Number(t.epsilon.toPrecision(3))}`;
}

/** One faceted chart of a per-query metric: x = queries (log), one panel per threat, one line per model. */
export function queriesChart(
  panels: { model: ModelRole; panel: string; queries: number[]; stats: MeanSemList }[],
  y: { title: string; unit: boolean },
): Record<string, unknown> {
  const values = panels.flatMap((p) =>
    p.queries.flatMap((queries, k) => {
      const mean = p.stats.mean[k];
      if (mean === null) return [];
      const sem = p.stats.sem[k] ?? 0;
      const lo = mean - sem;
      return [
        {
          model: MODEL_LABELS[p.model] ?? p.model,
          panel: p.panel,
          queries,
          mean,
          lo: y.unit ? Math.max(0, lo) : lo,
          hi: y.unit ? Math.min(1, mean + sem) : mean + sem,
        },
      ];
    }),
  );
  const x = {
    field: 'queries',
    type: 'quantitative',
    title: 'queries',
    scale: { type: 'log' },
    axis: { grid: false },
  };
  const yAxis = y.unit
    ? { title: y.title, scale: { domain: [0, 1] }, axis: { format: '%' } }
    : { title: y.title, scale: { zero: false } };
  return {
    data: { values },
    facet: {
      column: {
        field: 'panel',
        sort: null,
        type: 'nominal',
        title: null,
        header: { labelFontSize: 13, labelOrient: 'bottom' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spec: { width: 320, height: 240, layer: bandLayers(x, yAxis) },
  };
}
