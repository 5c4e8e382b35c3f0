import * as tf from '@tensorflow/tfjs-core';
import { AttackError, InvalidOptionError, ShapeMismatchError } from './errors';
import { runReadsAsync, runReadsSync, type TensorReads } from './reads';
import { assertClassifier, assertImageBatch, assertOptions, describe, positiveInteger } from './validate';

/** Any function from a batch of (preprocessed) images `[N, H, W, C]` to logits `[N, K]`. */
export type LogitsFunction = (x: tf.Tensor4D) => tf.Tensor;

/** Anything with a `predict` like `tf.LayersModel` (structural, so this package never imports tfjs-layers). */
export interface PredictingModel {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
}

/** A preprocessing step applied to image-space inputs before the model (must be differentiable for FGSM/PGD). */
export type Preprocess = (x: tf.Tensor4D) => tf.Tensor4D;

/** Options of {@link createClassifier}. */
export interface ClassifierOptions {
  /** Input bounds of the image space in which attacks work. Default `[0, 1]`. */
  bounds?: readonly [number, number];
  /** Preprocessing from image space to the model's input, applied in order (e.g. `[toGrey(), scaleShift(5, 0.5)]`). */
  preprocess?: Preprocess | readonly Preprocess[];
  /**
   * Number of classes K (the width of the logits), so labels can be checked against it before any
   * tensor is made. Default: read from a `tf.LayersModel`'s output shape; unknown for a plain function,
   * in which case the attacks that need it run the model once on one image to find it.
   */
  numClasses?: number;
}

/**
 * A classifier seen from image space: attacks perturb images within `bounds`, and `logits` applies the
 * preprocessing and the model. Build one with {@link createClassifier}.
 */
export interface Classifier {
  /** `[min, max]` of valid image values. */
  readonly bounds: readonly [number, number];
  /** Number of classes K, when known without running the model (see {@link ClassifierOptions.numClasses}). */
  readonly numClasses?: number;
  /** Logits `[N, K]` of image-space inputs `[N, H, W, C]` (preprocessing included; differentiable). */
  logits(images: tf.Tensor4D): tf.Tensor2D;
}

function isPredictingModel(m: unknown): m is PredictingModel {
  return typeof m === 'object' && m !== null && typeof (m as PredictingModel).predict === 'function';
}

/** The static width of a `tf.LayersModel`'s single output `[null, K]`, or `undefined` when not known. */
function staticClassCount(m: unknown): number | undefined {
  try {
    const outputs = (m as { outputs?: { shape?: unknown }[] }).outputs;
    const shape = Array.isArray(outputs) && outputs.length === 1 ? outputs[0]?.shape : undefined;
    const k = Array.isArray(shape) && shape.length === 2 ? shape[1] : undefined;
    return Number.isInteger(k) && (k as number) > 0 ? (k as number) : undefined;
  } catch {
    // An unbuilt model throws on `outputs`: the count stays unknown until the model runs.
    return undefined;
  }
}

/**
 * Wraps a model (a `tf.LayersModel`, anything with `predict`, or a plain `(x) => logits` function) with
 * its input bounds and preprocessing, so every attack works in image space (e.g. `[0, 1]` pixels) while
 * the model sees `5·(x − 0.5)` or grey images.
 *
 * @example
 * ```ts
 * const clf = createClassifier(model, { bounds: [0, 1], preprocess: [toGrey(), scaleShift(5, 0.5)] });
 * ```
 */
export function createClassifier(
  model: PredictingModel | LogitsFunction,
  options: ClassifierOptions = {},
): Classifier {
  assertOptions('createClassifier', options);
  const bounds = options.bounds ?? ([0, 1] as const);
  if (
    !Array.isArray(bounds) ||
    bounds.length !== 2 ||
    !Number.isFinite(bounds[0]) ||
    !Number.isFinite(bounds[1]) ||
    !(bounds[0] < bounds[1])
  ) {
    throw new InvalidOptionError(
      `createClassifier: bounds must be two finite numbers [min, max] with min < max, got ${JSON.stringify(bounds)}. ` +
        'Pass e.g. { bounds: [0, 1] } for images scaled to [0, 1].',
    );
  }
  const steps: readonly Preprocess[] =
    options.preprocess === undefined
      ? []
      : typeof options.preprocess === 'function'
        ? [options.preprocess]
        : options.preprocess;
  for (const p of steps) {
    if (typeof p !== 'function') {
      throw new InvalidOptionError('createClassifier: every preprocess step must be a function (x) => x.');
    }
  }
  let forward: LogitsFunction;
  if (typeof model === 'function') forward = model;
  else if (isPredictingModel(model)) {
    forward = (x) => {
      const out = model.predict(x);
      if (Array.isArray(out)) {
        throw new ShapeMismatchError(
          'createClassifier: the model returned several outputs; wrap it in a function that returns the logits tensor.',
        );
      }
      return out;
    };
  } else {
    throw new InvalidOptionError(
      'createClassifier: model must be a tf.LayersModel (anything with predict) or a function (x) => logits.',
    );
  }
  const numClasses =
    options.numClasses === undefined
      ? staticClassCount(model)
      : positiveInteger('createClassifier', 'numClasses', options.numClasses);
  const frozenBounds = [bounds[0], bounds[1]] as const;
  return {
    bounds: frozenBounds,
    ...(numClasses === undefined ? {} : { numClasses }),
    logits(images: tf.Tensor4D): tf.Tensor2D {
      return tf.tidy(() => {
        let out: tf.Tensor;
        try {
          let x = images;
          for (const p of steps) x = p(x);
          out = forward(x);
        } catch (err) {
          if (AttackError.is(err)) throw err;
          throw new ShapeMismatchError(
            `Classifier: the model failed on images of shape [${images.shape.join(', ')}] ` +
              `(${err instanceof Error ? err.message : String(err)}). Pass images of the height, width and ` +
              'channel count the model was built for (after preprocessing).',
          );
        }
        if (out.rank !== 2 || out.shape[0] !== images.shape[0]) {
          throw new ShapeMismatchError(
            `Classifier: the model must return logits of shape [N, K] = [${images.shape[0]}, K], got ` +
              `[${out.shape.join(', ')}]. Flatten or slice the model output in a wrapping function.`,
          );
        }
        return out as tf.Tensor2D;
      });
    },
  };
}

/** Preprocessing `scale·(x − shift)`; the paper's models see `5·(x − 0.5)`, i.e. `[−2.5, 2.5]`. */
export function scaleShift(scale: number, shift: number): Preprocess {
  if (!Number.isFinite(scale) || !Number.isFinite(shift)) {
    throw new InvalidOptionError(
      `scaleShift: scale and shift must be finite numbers, got ${describe(scale)} and ${describe(shift)}.`,
    );
  }
  return (x) => tf.tidy(() => tf.mul(tf.sub(x, shift), scale) as tf.Tensor4D);
}

/** Preprocessing to grey: the mean over the channel axis, kept as one channel (`[N, H, W, 1]`). */
export function toGrey(): Preprocess {
  return (x) => tf.tidy(() => tf.mean(x, 3, true) as tf.Tensor4D);
}

/** Predicted classes (argmax of the logits) of a batch, read synchronously. */
export function predictLabels(classifier: Classifier, images: tf.Tensor4D): Int32Array {
  return runReadsSync(predictReads('predictLabels', classifier, images));
}

/**
 * Predicted classes (argmax of the logits) of a batch, read with `await data()`: works on every engine,
 * the `webgpu` engine in Node included.
 */
export async function predictLabelsAsync(classifier: Classifier, images: tf.Tensor4D): Promise<Int32Array> {
  return runReadsAsync(predictReads('predictLabelsAsync', classifier, images));
}

/** {@link predictLabels} as a {@link TensorReads} computation (for composition with `yield*`). */
export function predictLabelsReads(classifier: Classifier, images: tf.Tensor4D): TensorReads<Int32Array> {
  return predictReads('predictLabels', classifier, images);
}

/** {@link predictLabels} as a {@link TensorReads} computation; `fn` names the caller in errors. */
export function* predictReads(
  fn: string,
  classifier: Classifier,
  images: tf.Tensor4D,
): TensorReads<Int32Array> {
  assertClassifier(fn, classifier);
  assertImageBatch(fn, images);
  const t = tf.tidy(() => tf.argMax(classifier.logits(images), 1));
  try {
    return new Int32Array(yield t);
  } finally {
    t.dispose();
  }
}
