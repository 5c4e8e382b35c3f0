import * as tf from '@tensorflow/tfjs-core';
import type { Attack } from './attack-specs';
import { type Classifier, predictReads } from './classifier';
import { PACKAGE, InvalidOptionError } from './errors';
import { assertSeed, deriveSeed } from './random';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/core';
import { type ValuesCurveInput, valuesCurveReads } from './robustness-curve-values';
import { summarize, type Summary } from './summary';
import {
  assertClassifier,
  assertEpsilon,
  assertLabelsInClasses,
  classCount,
  imagesReads,
  type Labels,
  labelsReads,
  positiveInteger,
} from './validate';

/** Images and their true labels. */
export interface LabelledImages {
  /** `[N, H, W, C]` images inside the classifier's bounds. */
  images: tf.Tensor4D;
  /** True class of each image. */
  labels: Labels;
}

/** Options of {@link robustnessCurve}. */
export interface RobustnessCurveOptions {
  /** Independent repetitions with seeds derived from `seed` (default 1). */
  repeats?: number;
  /** Seed of every random draw (required). */
  seed: number;
  /** Images per forward pass (default 100). */
  batchSize?: number;
}

/** Extra results of minimisation attacks (the Boundary Attack), over successful images, per repeat. */
export interface MinimizationSummary {
  /** Median L2 distance ‖x' − x‖₂ on image scale. */
  medianL2: Summary;
  /** Median squared L2 per pixel ‖x' − x‖₂² / D (the paper's Boundary-Attack score). */
  medianSquaredL2PerPixel: Summary;
  /** Fraction of images for which an adversarial was found. */
  successRate: Summary;
  /** Mean model queries per image. */
  meanQueries: Summary;
}

/** Plain-JSON result of {@link robustnessCurve}. */
export interface RobustnessCurve {
  attack: string;
  kind: Attack['kind'];
  n: number;
  repeats: number;
  seed: number;
  /** Accuracy on the clean images. */
  cleanAccuracy: number;
  epsilons: number[];
  /** Accuracy at each ε (mean and SEM over repeats). */
  accuracy: Summary[];
  minimization?: MinimizationSummary;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Accuracy of `classifier` under `attack` for each budget ε, repeated with derived seeds, as plain JSON.
 *
 * - Perturbation attacks (noise, FGSM, PGD): accuracy of the predictions on the perturbed images against
 *   the true labels; ε = 0 gives the clean accuracy.
 * - Minimisation attacks (the Boundary Attack, against the model's own predictions): an image counts as
 *   robust at ε when it is correctly classified and no adversarial within L2 distance ε was found; also
 *   reports the median L2 and the median squared L2 per pixel over successful images.
 *
 * With a classifier that has `logitsValues` (a model on onnxruntime-node, `createOnnxModel` of `@pixsim/onnx`)
 * and an attack that has `perturbValues` (the noise attacks), the whole loop runs on plain values: each batch
 * is read once, each image's noise stream is drawn once and scaled for every ε, and no tfjs tensor is made per
 * model call. The batches, seeds and numbers are those of the tensor loop, so the curve is the same.
 *
 * @example
 * ```ts
 * import { createClassifier, gaussianNoiseAttack, robustnessCurve } from '@pixsim/attacks';
 *
 * // model: your trained tf.LayersModel; images: tf.Tensor4D of test images in [0, 1]; labels: Int32Array
 * const clf = createClassifier(model, { bounds: [0, 1] }); // preprocess: the scaling the model was trained with
 * const curve = robustnessCurve(clf, { images, labels }, gaussianNoiseAttack(), [0, 0.05, 0.1], { repeats: 3, seed: 1 });
 * console.log(curve.accuracy.map((a) => a.mean)); // accuracy at each ε, mean over the repeats
 * const json = JSON.stringify(curve); // plain JSON: save it with your results
 * ```
 */
export function robustnessCurve(
  classifier: Classifier,
  data: LabelledImages,
  attack: Attack,
  epsilons: readonly number[],
  options: RobustnessCurveOptions,
): RobustnessCurve {
  return runReadsSync(curveReads('robustnessCurve', classifier, data, attack, epsilons, options));
}

/**
 * {@link robustnessCurve} with asynchronous reads (`await data()`): the same curve on every engine, the
 * `webgpu` engine in Node included. Attacks without a `perturbReads` / `minimizeReads` (your own) run
 * synchronously inside it.
 */
export async function robustnessCurveAsync(
  classifier: Classifier,
  data: LabelledImages,
  attack: Attack,
  epsilons: readonly number[],
  options: RobustnessCurveOptions,
): Promise<RobustnessCurve> {
  return runReadsAsync(curveReads('robustnessCurveAsync', classifier, data, attack, epsilons, options));
}

/** {@link robustnessCurve} as a {@link TensorReads} computation (for composition with `yield*`). */
export function robustnessCurveReads(
  classifier: Classifier,
  data: LabelledImages,
  attack: Attack,
  epsilons: readonly number[],
  options: RobustnessCurveOptions,
): TensorReads<RobustnessCurve> {
  return curveReads('robustnessCurve', classifier, data, attack, epsilons, options);
}

function* curveReads(
  fn: string,
  classifier: Classifier,
  data: LabelledImages,
  attack: Attack,
  epsilons: readonly number[],
  options: RobustnessCurveOptions,
): TensorReads<RobustnessCurve> {
  assertClassifier(fn, classifier);
  assertSeed(fn, options?.seed);
  const repeats = positiveInteger(fn, 'repeats', options.repeats ?? 1);
  const batchSize = positiveInteger(fn, 'batchSize', options.batchSize ?? 100);
  if (!attack || (attack.kind !== 'perturbation' && attack.kind !== 'minimization')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: attack must come from an attack factory (gaussianNoiseAttack(), fgsmAttack(), boundaryAttack(), …).`,
    );
  }
  if (!Array.isArray(epsilons) || epsilons.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: epsilons must be a non-empty array of budgets ε ≥ 0, e.g. [0, 0.01, 0.02].`,
    );
  }
  for (const e of epsilons) assertEpsilon(fn, e);
  yield* imagesReads(fn, data?.images, classifier.bounds);
  const images = data.images;
  const n = images.shape[0];
  const labels = yield* labelsReads(fn, data.labels, n);
  assertLabelsInClasses(fn, labels, classCount(classifier, images).k);
  const batches: { start: number; size: number }[] = [];
  for (let s = 0; s < n; s += batchSize) batches.push({ start: s, size: Math.min(batchSize, n - s) });
  const slice = (b: { start: number; size: number }) =>
    tf.slice(images, [b.start, 0, 0, 0], [b.size, -1, -1, -1]) as tf.Tensor4D;

  const valuesInput = {
    fn,
    classifier,
    attack,
    images,
    labels,
    epsilons,
    batches,
    repeats,
    seed: options.seed,
  };
  const values = usesValues(valuesInput) ? yield* valuesCurveReads(valuesInput) : undefined;
  const clean = values?.clean ?? (yield* cleanPredictions(fn, classifier, batches, slice, n));
  let cleanCorrect = 0;
  for (let i = 0; i < n; i++) if (clean[i] === labels[i]) cleanCorrect++;

  const accuracy: number[][] = epsilons.map(() => []);
  const medL2: (number | null)[] = [];
  const medSq: (number | null)[] = [];
  const successRate: number[] = [];
  const meanQueries: number[] = [];
  const d = images.shape[1] * images.shape[2] * images.shape[3];
  for (let r = 0; r < repeats; r++) {
    const seed = deriveSeed(options.seed, r);
    if (values) {
      for (const k of epsilons.keys()) accuracy[k].push(values.correct[k][r] / n);
    } else if (attack.kind === 'perturbation') {
      for (const [k, eps] of epsilons.entries()) {
        let correct = 0;
        for (const b of batches) {
          const x = slice(b);
          const y = labels.subarray(b.start, b.start + b.size);
          const context = { seed, indexOffset: b.start };
          let pred: Int32Array;
          try {
            const adv = attack.perturbReads
              ? yield* attack.perturbReads(classifier, x, y, eps, context)
              : attack.perturb(classifier, x, y, eps, context);
            try {
              pred = yield* predictReads(fn, classifier, adv);
            } finally {
              adv.dispose();
            }
          } finally {
            x.dispose();
          }
          for (let i = 0; i < b.size; i++) if (pred[i] === y[i]) correct++;
        }
        accuracy[k].push(correct / n);
      }
    } else {
      const dist = new Float64Array(n);
      const success: boolean[] = [];
      let queries = 0;
      for (const b of batches) {
        const x = slice(b);
        const context = { seed, indexOffset: b.start };
        let out: ReturnType<typeof attack.minimize>;
        try {
          out = attack.minimizeReads
            ? yield* attack.minimizeReads(classifier, x, context)
            : attack.minimize(classifier, x, context);
        } finally {
          x.dispose();
        }
        dist.set(out.distances, b.start);
        success.push(...out.success);
        for (const q of out.queries) queries += q;
      }
      epsilons.forEach((eps, k) => {
        let robust = 0;
        for (let i = 0; i < n; i++) if (clean[i] === labels[i] && !(success[i] && dist[i] <= eps)) robust++;
        accuracy[k].push(robust / n);
      });
      const ok: number[] = [];
      for (let i = 0; i < n; i++) if (success[i]) ok.push(dist[i]);
      medL2.push(median(ok));
      medSq.push(median(ok.map((v) => (v * v) / d)));
      successRate.push(ok.length / n);
      meanQueries.push(queries / n);
    }
  }
  const result: RobustnessCurve = {
    attack: attack.name,
    kind: attack.kind,
    n,
    repeats,
    seed: options.seed,
    cleanAccuracy: cleanCorrect / n,
    epsilons: [...epsilons],
    accuracy: accuracy.map(summarize),
  };
  if (attack.kind === 'minimization') {
    result.minimization = {
      medianL2: summarize(medL2),
      medianSquaredL2PerPixel: summarize(medSq),
      successRate: summarize(successRate),
      meanQueries: summarize(meanQueries),
    };
  }
  return result;
}

/** True when the curve can run on plain values: a perturbation attack with `perturbValues` and a classifier with `logitsValues`. */
function usesValues(
  input: Omit<ValuesCurveInput, 'classifier' | 'attack'> & { classifier: Classifier; attack: Attack },
): input is ValuesCurveInput {
  return (
    typeof input.classifier.logitsValues === 'function' &&
    input.attack.kind === 'perturbation' &&
    typeof input.attack.perturbValues === 'function'
  );
}

/** Predictions of the clean images, batch by batch, through the classifier's tensors. */
function* cleanPredictions(
  fn: string,
  classifier: Classifier,
  batches: readonly { start: number; size: number }[],
  slice: (b: { start: number; size: number }) => tf.Tensor4D,
  n: number,
): TensorReads<Int32Array> {
  const clean = new Int32Array(n);
  for (const b of batches) {
    const x = slice(b);
    try {
      clean.set(yield* predictReads(fn, classifier, x), b.start);
    } finally {
      x.dispose();
    }
  }
  return clean;
}
