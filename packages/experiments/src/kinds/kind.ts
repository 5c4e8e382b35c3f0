import type { Classifier, JpegCodec, PredictingModel } from '@pixsim/attacks';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelRole } from '../result';
import type { ExperimentSpec, ScaleSpec } from '../spec';

/** The evaluated test images as a [0, 1] float tensor and their labels. */
export interface TestImages {
  images: tf.Tensor4D;
  labels: Int32Array;
}

/** Where a kind's records go in `result.json` and its summaries in `summary.json`. */
export type KindSection = 'curves' | 'boundary' | 'evaluations';

/** What a kind's `evaluate` is given for one model of a cell. */
export interface EvaluationContext {
  /** The evaluated model (tfjs, or onnxruntime through `@pixsim/onnx`). */
  model: tfl.LayersModel | PredictingModel;
  /** `model` seen from [0, 1] images with the task's input scaling (`classifierOf`). */
  classifier: Classifier;
  role: ModelRole;
  /** The resolved spec (its scale decides the sizes). */
  spec: ExperimentSpec;
  test: TestImages;
  /** The cell's seed: every random draw of the evaluation derives from it. */
  seed: number;
  /** The FGSM surrogate (another seed's unregularized model), when a kind of the spec needs one. */
  surrogate: tfl.LayersModel | null;
  /** The JPEG codec (`sharpJpeg` of `@pixsim/attacks/node` in Node), for `'jpeg-compression'`. */
  jpeg?: () => Promise<JpegCodec>;
}

/** What a kind's `validate` may read of the rest of the spec. */
export interface KindSpecContext {
  channels: 'grey' | 'rgb';
}

/** One row of `summary.csv`: model, attack, metric, epsilon, mean, sem, n, seeds. */
export type CsvRow = (string | number | null)[];

/** A record of one model and kind in `result.json` (`section` decides which array). */
export interface KindRecord {
  model: ModelRole;
}

/** The records of one kind in one cell, for aggregation (all models; `seed` is the cell's). */
export interface SeedRecords<R> {
  seed: number;
  records: readonly R[];
}

/**
 * One evaluation kind (or a family of kinds sharing a record, e.g. the noise curves): everything the
 * pipeline needs to validate it in a spec, run it on a model, record it in `result.json`, aggregate it over
 * seeds, and draw and tabulate it. Register it in `kinds/registry.ts`.
 */
export interface EvaluationKind<S extends { readonly kind: string }, R extends KindRecord, M> {
  /** The `kind` names this entry handles. */
  readonly names: readonly S['kind'][];
  /** Where its records and summaries live (`'evaluations'` for every new kind). */
  readonly section: KindSection;
  /** The kind of a record of `section` (the arrays may hold several kinds). */
  recordKind(record: R): string;
  /** Optional scale fields it reads (present in a spec exactly when a kind that reads them is). */
  readonly scaleKeys: readonly (keyof ScaleSpec)[];
  /** Checks a spec's attack entry (`field` names it in errors) and returns it typed. */
  validate(field: string, raw: Record<string, unknown>, context: KindSpecContext): S;
  /** Whether the cell must train the FGSM surrogate for it. */
  needsSurrogate(spec: S): boolean;
  /** Runs it on one model (asynchronous reads: every engine); tidy, never disposes what it is given. */
  evaluate(spec: S, ctx: EvaluationContext): Promise<R>;
  /** A short account of a record for the progress line. */
  describe(record: R): string;
  /** Whether two records (of two seeds) are of the same model and evaluation. */
  sameRecord(a: R, b: R): boolean;
  /** The mean ± SEM over seeds of `first` (the first seed's record); `cells` in seed order. */
  aggregate(first: R, cells: readonly SeedRecords<R>[]): M;
  /** Its rows of `summary.csv`. */
  csvRows(summary: M): CsvRow[];
  /** Its Markdown tables (one string each) for the summaries of one experiment. */
  tables(summaries: readonly M[]): string[];
  /** Its Vega-Lite charts (a unit, layer or facet spec each) for the summaries of one experiment. */
  charts(summaries: readonly M[]): Record<string, unknown>[];
}

/** A registered kind with its types erased (what the registry holds). */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds kinds of different spec and record types.
export type AnyEvaluationKind = EvaluationKind<any, any, any>;
