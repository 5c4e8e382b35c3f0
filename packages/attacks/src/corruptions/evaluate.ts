import { describeValue } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import { type Classifier, predictReads } from '../classifier';
import { PACKAGE, InvalidClassifierError, InvalidOptionError } from '../errors';
import { assertSeed } from '../random';
import type { LabelledImages } from '../robustness-curve';
import {
  assertClassifier,
  assertImageBatch,
  assertLabelsInClasses,
  assertOptions,
  classCount,
  imagesReads,
  labelsReads,
  positiveInteger,
} from '../validate';
import { assertChannels, assertJpegCodec, corruptionSeed, corruptPixelSteps, type RunMode } from './corrupt';
import {
  ALGORITHMIC_CORRUPTIONS,
  assertFamily,
  assertSeverity,
  CORRUPTION_SEVERITIES,
  type CorruptionFamily,
} from './families';
import type { JpegCodec } from './jpeg';
import { runStepsAsync, runStepsSync, type Steps } from './steps';

/** Options of {@link evaluateCorruptions}. */
export interface CorruptionEvaluationOptions {
  /** Seed of every random draw (required); family f at severity s uses `corruptionSeed(seed, f, s)`. */
  seed: number;
  /**
   * Families to evaluate, in order. Default: every family that needs no encoder
   * ({@link ALGORITHMIC_CORRUPTIONS}) but `'saturate'` on grey images (C = 1, no saturation to scale), plus
   * `'jpeg-compression'` when `jpeg` is given.
   */
  families?: readonly CorruptionFamily[];
  /** Severities (integers 1–5, default all five). */
  severities?: readonly number[];
  /** Images per forward pass (default 100). */
  batchSize?: number;
  /** The JPEG codec for `'jpeg-compression'` ({@link evaluateCorruptionsAsync} only). */
  jpeg?: JpegCodec;
}

/** Accuracy of one family at each evaluated severity. */
export interface CorruptionFamilyAccuracy {
  family: CorruptionFamily;
  /** Accuracy at `severities[k]`. */
  accuracy: number[];
}

/** Plain-JSON result of {@link evaluateCorruptions}. */
export interface CorruptionEvaluation {
  n: number;
  seed: number;
  /** Accuracy on the clean images. */
  cleanAccuracy: number;
  severities: number[];
  families: CorruptionFamilyAccuracy[];
}

/** The default families: no JPEG without a codec, no saturate on grey images (they have no saturation). */
function defaultFamilies(options: CorruptionEvaluationOptions, channels: number): CorruptionFamily[] {
  const families = ALGORITHMIC_CORRUPTIONS.filter((f) => !(f === 'saturate' && channels === 1));
  return options.jpeg === undefined ? families : [...families, 'jpeg-compression'];
}

function checkPlan(fn: string, options: CorruptionEvaluationOptions, mode: RunMode, channels: number) {
  assertOptions(fn, options);
  assertSeed(fn, options?.seed);
  const batchSize = positiveInteger(fn, 'batchSize', options.batchSize ?? 100);
  const families = options.families ?? defaultFamilies(options, channels);
  const severities = options.severities ?? CORRUPTION_SEVERITIES;
  for (const [name, list] of [
    ['families', families],
    ['severities', severities],
  ] as const) {
    if (!Array.isArray(list) || list.length === 0 || new Set(list).size !== list.length) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be a non-empty array without repeats, got ${describeValue(list)}.`,
      );
    }
  }
  for (const f of families) {
    assertFamily(fn, f);
    assertJpegCodec(fn, f, options.jpeg, mode);
  }
  for (const s of severities) assertSeverity(fn, s);
  return { batchSize, families: [...families], severities: [...severities] };
}

function* evaluationSteps(
  fn: string,
  classifier: Classifier,
  data: LabelledImages,
  options: CorruptionEvaluationOptions,
  mode: RunMode,
): Steps<CorruptionEvaluation> {
  assertClassifier(fn, classifier);
  if (classifier.bounds[0] !== 0 || classifier.bounds[1] !== 1) {
    throw new InvalidClassifierError(
      'classifier',
      `${fn}: corruptions are defined on images in [0, 1], but the classifier's bounds are ` +
        `[${classifier.bounds.join(', ')}]; create it with bounds [0, 1] and move the model's scaling into preprocess.`,
    );
  }
  const images = data?.images;
  assertImageBatch(fn, images);
  const plan = checkPlan(fn, options, mode, images.shape[3]);
  for (const f of plan.families) assertChannels(fn, images, f);
  yield* imagesReads(fn, images, [0, 1]);
  const [n, h, w, c] = images.shape;
  const labels = yield* labelsReads(fn, data.labels, n);
  assertLabelsInClasses(fn, labels, classCount(classifier, images).k);
  const correct = plan.families.map(() => new Float64Array(plan.severities.length));
  let cleanCorrect = 0;
  const count = (pred: Int32Array, start: number) => {
    let k = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[start + i]) k++;
    return k;
  };
  for (let start = 0; start < n; start += plan.batchSize) {
    const size = Math.min(plan.batchSize, n - start);
    const x = tf.tidy(
      () => tf.cast(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]), 'float32') as tf.Tensor4D,
    );
    let pixels: Float32Array;
    try {
      cleanCorrect += count(yield* predictReads(fn, classifier, x), start);
      pixels = (yield x) as Float32Array;
    } finally {
      x.dispose();
    }
    for (const [fi, family] of plan.families.entries()) {
      for (const [si, severity] of plan.severities.entries()) {
        const seed = corruptionSeed(options.seed, family, severity);
        const out = yield* corruptPixelSteps(
          fn,
          family,
          severity,
          pixels,
          size,
          { h, w, c },
          {
            seed,
            indexOffset: start,
            jpeg: options.jpeg,
          },
        );
        const corrupted = tf.tensor4d(out, [size, h, w, c]);
        try {
          correct[fi][si] += count(yield* predictReads(fn, classifier, corrupted), start);
        } finally {
          corrupted.dispose();
        }
      }
    }
  }
  return {
    n,
    seed: options.seed,
    cleanAccuracy: cleanCorrect / n,
    severities: plan.severities,
    families: plan.families.map((family, fi) => ({
      family,
      accuracy: Array.from(correct[fi], (k) => k / n),
    })),
  };
}

/**
 * Accuracy of `classifier` on the common corruptions of CIFAR-10-C, per family and severity, as plain JSON
 * (the input of {@link corruptionErrorSummary}). Images are `[N, H, W, C]` in [0, 1] (C = 1 or 3); the
 * classifier must have bounds `[0, 1]` (its preprocessing maps to the model's scale). Works with any
 * classifier from `createClassifier`, onnxruntime-backed evaluation models included. Synchronous reads;
 * `'jpeg-compression'` needs {@link evaluateCorruptionsAsync}.
 *
 * @example
 * ```ts
 * const result = evaluateCorruptions(clf, { images, labels }, { seed: 1 });
 * result.families[0]; // { family: 'gaussian-noise', accuracy: [s1, s2, s3, s4, s5] }
 * ```
 */
export function evaluateCorruptions(
  classifier: Classifier,
  data: LabelledImages,
  options: CorruptionEvaluationOptions,
): CorruptionEvaluation {
  return runStepsSync(evaluationSteps('evaluateCorruptions', classifier, data, options, 'sync'));
}

/**
 * {@link evaluateCorruptions} with asynchronous reads (`await data()`: every engine, `webgpu` in Node
 * included) and `'jpeg-compression'` through `options.jpeg` (e.g. `await sharpJpeg()` of
 * `@pixsim/attacks/node`). The same results as the synchronous form for the same options.
 */
export async function evaluateCorruptionsAsync(
  classifier: Classifier,
  data: LabelledImages,
  options: CorruptionEvaluationOptions,
): Promise<CorruptionEvaluation> {
  return runStepsAsync(evaluationSteps('evaluateCorruptionsAsync', classifier, data, options, 'async'));
}
