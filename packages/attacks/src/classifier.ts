import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, AttackError, InvalidOptionError, ShapeMismatchError } from './errors';
import { type TensorReads, describeValue, runReadsAsync, runReadsSync } from '@pixsim/core';
import { assertClassifier, assertImageBatch, assertOptions, positiveInteger } from './validate';
import {
  argmaxRows,
  type ImageShape,
  isValuesModel,
  type LogitsValues,
  type ValuesModel,
  valuesLogits,
} from './values-model';

/** Any function from a batch of (preprocessed) images `[N, H, W, C]` to logits `[N, K]`. */
export type LogitsFunction = (x: tf.Tensor4D) => tf.Tensor;

/** Anything with a `predict` like `tf.LayersModel` (structural, so this package never imports tfjs-layers). */
export interface PredictingModel {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
}

/**
 * A preprocessing step applied to image-space inputs before the model (must be differentiable for FGSM/PGD).
 * A step may carry `values`, the same shape-preserving step on plain row-major values, bit for bit
 * ({@link scaleShift} has it): with it, a {@link ValuesModel} (onnxruntime-node) runs without tfjs tensors.
 */
export type Preprocess = ((x: tf.Tensor4D) => tf.Tensor4D) & {
  /** The step on plain row-major values (same shape), giving exactly the tensor step's float32 numbers. */
  readonly values?: (x: Float32Array) => Float32Array;
};

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
  /**
   * The logits of plain row-major image-space values of shape `[N, H, W, C]`, the same numbers as
   * {@link Classifier.logits}, without a tfjs tensor. Present when the model is a {@link ValuesModel}
   * (onnxruntime-node) and every preprocessing step has a plain form; noise curves, the Square Attack and
   * HopSkipJump then keep their whole loop off tfjs.
   */
  logitsValues?(values: Float32Array, shape: ImageShape): LogitsValues;
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
 * the model sees `5·(x − 0.5)` or grey images. A model that is also a {@link ValuesModel} (`createOnnxModel`
 * of `@pixsim/onnx`) gives a classifier with {@link Classifier.logitsValues} when every preprocessing step
 * has a plain form ({@link scaleShift} has, {@link toGrey} has not).
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
      PACKAGE,
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
      throw new InvalidOptionError(
        PACKAGE,
        'createClassifier: every preprocess step must be a function (x) => x.',
      );
    }
  }
  let forward: LogitsFunction;
  if (typeof model === 'function') forward = model;
  else if (isPredictingModel(model)) {
    forward = (x) => {
      const out = model.predict(x);
      if (Array.isArray(out)) {
        throw new ShapeMismatchError(
          PACKAGE,
          'createClassifier: the model returned several outputs; wrap it in a function that returns the logits tensor.',
        );
      }
      return out;
    };
  } else {
    throw new InvalidOptionError(
      PACKAGE,
      'createClassifier: model must be a tf.LayersModel (anything with predict) or a function (x) => logits.',
    );
  }
  const numClasses =
    options.numClasses === undefined
      ? staticClassCount(model)
      : positiveInteger('createClassifier', 'numClasses', options.numClasses);
  const frozenBounds = [bounds[0], bounds[1]] as const;
  const plainSteps = steps.map((p) => p.values);
  const valuesPath =
    isValuesModel(model) && plainSteps.every((p) => typeof p === 'function')
      ? {
          logitsValues: (values: Float32Array, shape: ImageShape) =>
            valuesLogits(model, plainSteps as ((x: Float32Array) => Float32Array)[], values, shape),
        }
      : {};
  return {
    bounds: frozenBounds,
    ...(numClasses === undefined ? {} : { numClasses }),
    ...valuesPath,
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
            PACKAGE,
            `Classifier: the model failed on images of shape [${images.shape.join(', ')}] ` +
              `(${err instanceof Error ? err.message : String(err)}). Pass images of the height, width and ` +
              'channel count the model was built for (after preprocessing).',
          );
        }
        if (out.rank !== 2 || out.shape[0] !== images.shape[0]) {
          throw new ShapeMismatchError(
            PACKAGE,
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
      PACKAGE,
      `scaleShift: scale and shift must be finite numbers, got ${describeValue(scale)} and ${describeValue(shift)}.`,
    );
  }
  const step = (x: tf.Tensor4D) => tf.tidy(() => tf.mul(tf.sub(x, shift), scale) as tf.Tensor4D);
  // tfjs subtracts and multiplies in float32 with float32 scalars; a float64 operation on float32 operands,
  // rounded once to float32, is that correctly rounded float32 result (53 ≥ 2·24 + 2), so this is bit for bit.
  const s = Math.fround(scale);
  const t = Math.fround(shift);
  const values = (x: Float32Array) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i] - t) * s;
    return out;
  };
  return Object.assign(step, { values });
}

/**
 * Preprocessing to grey: the mean over the channel axis, kept as one channel (`[N, H, W, 1]`). It has no
 * plain form (the order of a mean's float32 sums is the engine's), so a classifier using it stays on tensors.
 */
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
  // A plain-values classifier: one read of the images, then the model without tfjs ops (same predictions).
  const values = classifier.logitsValues !== undefined;
  const t = tf.tidy(() => (values ? tf.cast(images, 'float32') : tf.argMax(classifier.logits(images), 1)));
  let read: ArrayLike<number>;
  try {
    read = yield t;
  } finally {
    t.dispose();
  }
  if (!values) return new Int32Array(read);
  const x = read instanceof Float32Array ? read : Float32Array.from(read);
  const out = (classifier.logitsValues as NonNullable<Classifier['logitsValues']>)(x, images.shape);
  return argmaxRows(out.logits, out.k);
}
