import {
  createClassifier,
  type Classifier,
  deriveSeed,
  type PredictingModel,
  scaleShift,
} from '@pixsim/attacks';
import { permutation } from '@pixsim/regularizer';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ExperimentSpec } from '../spec';
import { meanSem } from '../stats';

/** Legend labels; `Sᵀʰ` is the thresholded pixel similarity S^Th, written with Unicode superscripts. */
export const MODEL_LABELS: Record<string, string> = {
  unregularized: 'unregularized',
  regularized: 'regularized (Sᵀʰ)',
  surrogate: 'surrogate',
};

/** Colours close to the paper's: the control in grey, the S^Th-regularized model in red. */
export const COLOURS = { domain: ['unregularized', 'regularized (Sᵀʰ)'], range: ['#4d4d4d', '#d62728'] };

/** The legend's colour encoding of the model. */
export const MODEL_COLOUR = {
  field: 'model',
  type: 'nominal',
  title: null,
  scale: COLOURS,
  legend: { orient: 'bottom' },
};

/**
 * A model seen from [0, 1] image space with the task's input scaling: `5·(x − 0.5)` for
 * `'reference'` (CIFAR tasks), nothing for `'unit'` (MNIST tasks). Images are already grey where the model is.
 */
export function classifierOf(model: tfl.LayersModel | PredictingModel, spec: ExperimentSpec): Classifier {
  return createClassifier(model, {
    bounds: [0, 1],
    preprocess: spec.task.inputScaling === 'reference' ? [scaleShift(5, 0.5)] : [],
  });
}

/** A seeded choice of `count` of `testSize` images (stream `stream` of the cell seed), in draw order. */
export function seededIndices(testSize: number, count: number, seed: number, stream: number): number[] {
  return Array.from(permutation(testSize, deriveSeed(seed, stream)).subarray(0, Math.min(count, testSize)));
}

/** Mean ± SEM of the numbers among `values` (`null`s skipped), with the seeds they came from. */
export function meanSemOf(
  values: readonly (number | null)[],
  seeds: readonly number[],
): { mean: number | null; sem: number | null; seeds: number[] } {
  const used = seeds.filter((_, k) => typeof values[k] === 'number');
  const ok = values.filter((v): v is number => typeof v === 'number');
  if (ok.length === 0) return { mean: null, sem: null, seeds: [] };
  return { ...meanSem(ok), seeds: used };
}

/** An accuracy in percent, `mean ± SEM` (`mean` alone with one seed; `–` when absent). */
export function percentCell(mean: number | null, sem: number | null): string {
  if (mean === null) return '–';
  const pct = (v: number) => `${(100 * v).toFixed(1)}`;
  return sem === null ? pct(mean) : `${pct(mean)} ± ${pct(sem)}`;
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], align: readonly string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** A line of mean over `x` with a shaded SEM band, one colour per model (values: model, x, mean, lo, hi). */
export function bandLayers(
  x: Record<string, unknown>,
  y: Record<string, unknown>,
): Record<string, unknown>[] {
  return [
    {
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: MODEL_COLOUR },
    },
    {
      mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
      encoding: { x, y: { field: 'mean', type: 'quantitative', ...y }, color: MODEL_COLOUR },
    },
  ];
}
