import { PACKAGE, AttackError, ShapeMismatchError } from './errors';

// The plain-array path: a model whose engine is native (onnxruntime-node) evaluates row-major float32
// batches directly, so attacks whose state lives in JS never build a tfjs tensor per model call.

/** The shape `[N, H, W, C]` of a batch of images given as plain row-major values. */
export type ImageShape = readonly [number, number, number, number];

/**
 * A model that also evaluates plain float32 batches without tfjs tensors, synchronously: what
 * `createOnnxModel` of `@pixsim/onnx` returns. {@link createClassifier} gives a classifier of such a model
 * a {@link Classifier.logitsValues}, which the noise curves, the Square Attack and HopSkipJump use.
 */
export interface ValuesModel {
  /**
   * The model's output for the row-major float32 batch `values` of shape `shape` (the layout of
   * `dataSync()`), as row-major values and their shape; the same numbers as `predict` on that tensor.
   */
  predictValues(
    values: Float32Array,
    shape: readonly number[],
  ): { values: Float32Array; shape: readonly number[] };
}

/** Logits `[N, K]` as plain row-major values. */
export interface LogitsValues {
  /** `N·K` logits, row by row. */
  logits: Float32Array;
  /** Number of classes K (the row length). */
  k: number;
}

/** True for anything with a `predictValues` function (checked structurally, across copies of a package). */
export function isValuesModel(m: unknown): m is ValuesModel {
  return (
    (typeof m === 'object' || typeof m === 'function') &&
    m !== null &&
    typeof (m as ValuesModel).predictValues === 'function'
  );
}

/**
 * Runs `model.predictValues` on `values` after the plain forms of the preprocessing steps, with the checks
 * and error wrapping of the tensor path: a failing model becomes a {@link ShapeMismatchError}, and the
 * output must be `[N, K]`.
 */
export function valuesLogits(
  model: ValuesModel,
  steps: readonly ((x: Float32Array) => Float32Array)[],
  values: Float32Array,
  shape: ImageShape,
): LogitsValues {
  const n = shape[0];
  if (
    !(values instanceof Float32Array) ||
    shape.length !== 4 ||
    !shape.every((v) => Number.isInteger(v) && v > 0) ||
    values.length !== shape[0] * shape[1] * shape[2] * shape[3]
  ) {
    throw new ShapeMismatchError(
      PACKAGE,
      `Classifier.logitsValues: expected a Float32Array of N·H·W·C values for the shape [${Array.from(shape).join(', ')}] ` +
        `(positive integers), got ${values instanceof Float32Array ? `${values.length} values` : 'no Float32Array'}.`,
    );
  }
  let out: { values: Float32Array; shape: readonly number[] };
  try {
    let x = values;
    for (const step of steps) x = step(x);
    out = model.predictValues(x, shape);
  } catch (err) {
    if (AttackError.is(err)) throw err;
    throw new ShapeMismatchError(
      PACKAGE,
      `Classifier: the model failed on images of shape [${shape.join(', ')}] ` +
        `(${err instanceof Error ? err.message : String(err)}). Pass images of the height, width and ` +
        'channel count the model was built for (after preprocessing).',
    );
  }
  const s = out?.shape;
  if (!Array.isArray(s) || s.length !== 2 || s[0] !== n || !(out.values instanceof Float32Array)) {
    throw new ShapeMismatchError(
      PACKAGE,
      `Classifier: the model must return logits of shape [N, K] = [${n}, K], got ` +
        `[${Array.isArray(s) ? s.join(', ') : String(s)}]. Flatten or slice the model output in a wrapping function.`,
    );
  }
  return { logits: out.values, k: s[1] };
}

/** Index of the first maximum of each row of `[N, K]` logits: what `tf.argMax(logits, 1)` returns. */
export function argmaxRows(logits: Float32Array, k: number): Int32Array {
  const n = logits.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = logits[o];
    let arg = 0;
    for (let j = 1; j < k; j++) {
      if (logits[o + j] > max) {
        max = logits[o + j];
        arg = j;
      }
    }
    out[i] = arg;
  }
  return out;
}
