import { describeValue } from '@pixsim/core';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidInputError, InvalidOptionError, OnnxRuntimeUnavailableError } from './errors';
import { assertLiveInput, assertLiveModel, assertOptions, isExport } from './arguments';
import { type OnnxExport, toOnnx } from './export';
import { ONNX_RUNTIME_INSTALL, resolveOnnxRuntime, startSessionThread } from './session-thread';

/** Options of {@link createOnnxModel}. */
export interface OnnxModelOptions {
  /** Threads of onnxruntime's intra-op pool (1–64). Default: `os.availableParallelism()`. */
  threads?: number;
}

/**
 * A tfjs model exported to ONNX and running in onnxruntime-node. `predict` is synchronous and returns a tfjs
 * tensor, so it plugs into `createClassifier` of `@pixsim/attacks` like the tfjs model it came from (forward
 * passes only: it has no gradients, so use the tfjs model for FGSM/PGD).
 */
export interface OnnxModel {
  /** Always `'onnxruntime'`. */
  readonly engine: 'onnxruntime';
  /** onnxruntime-node's version and the thread count, e.g. `'onnxruntime-node 1.30.0, 2 threads'`. */
  readonly description: string;
  /** Threads of the intra-op pool. */
  readonly threads: number;
  /** The export it runs (input/output shapes, folded batch norms, the ONNX bytes). */
  readonly exported: OnnxExport;
  /** The model's output (logits) for a float32 batch shaped like the tfjs model's input. */
  predict(x: tf.Tensor): tf.Tensor;
  /**
   * {@link OnnxModel.predict} on plain values, without a tfjs tensor: the row-major float32 batch `values`
   * of shape `shape` (`[N, …]` like the model's input) in, the output's values and shape out, the same
   * numbers as `predict`. `createClassifier` of `@pixsim/attacks` uses it (a `ValuesModel`), so noise
   * curves, the Square Attack and HopSkipJump run their whole loop off tfjs.
   * @throws {@link InvalidInputError} when `shape` does not fit the model or `values` does not hold `N·…` floats.
   */
  predictValues(values: Float32Array, shape: readonly number[]): { values: Float32Array; shape: number[] };
  /** Ends the session thread. The tfjs model is not touched. */
  dispose(): Promise<void>;
}

function resolveThreads(threads: unknown): number {
  const value = threads ?? availableParallelism();
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw new InvalidOptionError(
      PACKAGE,
      `createOnnxModel: threads must be an integer from 1 to 64, got ${describeValue(threads)}. Use e.g. 2 on a two-core machine.`,
      { option: 'threads' },
    );
  }
  return value;
}

function checkInput(exported: OnnxExport, x: tf.Tensor): void {
  const expected = exported.inputShape;
  const ok =
    x instanceof tf.Tensor &&
    x.rank === expected.length &&
    x.shape.every((d, i) => i === 0 || d === expected[i]) &&
    (x.dtype === 'float32' || x.dtype === 'int32');
  if (!ok) {
    const actual = x instanceof tf.Tensor ? x.shape : [];
    throw new InvalidInputError(
      PACKAGE,
      `OnnxModel.predict: expected a float32 tensor of shape [N, ${expected.slice(1).join(', ')}], got ` +
        `${x instanceof tf.Tensor ? `${x.dtype} [${x.shape.join(', ')}]` : describeValue(x)}. Pass images shaped like the model's input.`,
      { expected, actual },
    );
  }
}

function checkValues(exported: OnnxExport, values: unknown, shape: unknown): void {
  const expected = exported.inputShape;
  const dims = Array.isArray(shape) ? (shape as unknown[]) : [];
  const fits =
    dims.length === expected.length &&
    Number.isInteger(dims[0]) &&
    (dims[0] as number) >= 0 &&
    dims.every((d, i) => i === 0 || d === expected[i]);
  const size = fits ? (dims as number[]).reduce((a, b) => a * b, 1) : -1;
  if (!fits || !(values instanceof Float32Array) || values.length !== size) {
    throw new InvalidInputError(
      PACKAGE,
      `OnnxModel.predictValues: expected a Float32Array of N·${expected.slice(1).join('·')} values and the shape ` +
        `[N, ${expected.slice(1).join(', ')}], got ${describeValue(values)}${values instanceof Float32Array ? ` of ${values.length} values` : ''} ` +
        `and ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describeValue(shape)}. Pass row-major images shaped like the model's input.`,
      { expected, actual: dims.filter((d): d is number => typeof d === 'number') },
    );
  }
}

/**
 * Exports `model` with {@link toOnnx} (unless it is already an export) and starts an onnxruntime-node session on
 * it, on a thread of its own.
 *
 * @example
 * ```ts
 * const fast = await createOnnxModel(model, { threads: 2 });
 * const clf = createClassifier(fast, { preprocess: [toGrey(), scaleShift(5, 0.5)] });
 * // …attacks…
 * await fast.dispose();
 * ```
 * @throws {@link OnnxRuntimeUnavailableError} (with the install command) when onnxruntime-node is not installed.
 * @throws {@link UnsupportedLayerError} naming the first layer that has no ONNX translation.
 * @throws {@link InvalidOptionError} for a model that is neither a live `tf.LayersModel` nor an export,
 * options that are not an object, or a thread count outside 1–64.
 */
export async function createOnnxModel(
  model: tfl.LayersModel | OnnxExport,
  options: OnnxModelOptions = {},
): Promise<OnnxModel> {
  assertOptions('createOnnxModel', options, '{ threads: 2 }');
  if (!isExport(model)) assertLiveModel('createOnnxModel', model);
  const threads = resolveThreads(options?.threads);
  const ortPath = resolveOnnxRuntime();
  if (ortPath === undefined) {
    throw new OnnxRuntimeUnavailableError(
      `createOnnxModel: onnxruntime-node is not installed. Install it: ${ONNX_RUNTIME_INSTALL}; or evaluate with ` +
        "tfjs (createEvaluationModel with engine 'tfjs' or 'auto').",
      ONNX_RUNTIME_INSTALL,
    );
  }
  const exported = isExport(model) ? model : toOnnx(model);
  const session = await startSessionThread(ortPath, exported.bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const outputTail = exported.outputShape.slice(1) as number[];
  return {
    engine: 'onnxruntime',
    description: `onnxruntime-node ${session.version}, ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
    exported,
    predict(x: tf.Tensor): tf.Tensor {
      assertLiveInput('OnnxModel.predict', exported.inputShape, x);
      checkInput(exported, x);
      const n = x.shape[0];
      if (n === 0) return tf.zeros([0, ...outputTail]);
      const data = x.dtype === 'float32' ? (x.dataSync() as Float32Array) : Float32Array.from(x.dataSync());
      const out = session.run(exported.inputName, exported.outputName, data, x.shape);
      return tf.tensor(out.data, out.dims, 'float32');
    },
    predictValues(values: Float32Array, shape: readonly number[]) {
      checkValues(exported, values, shape);
      if (shape[0] === 0) return { values: new Float32Array(0), shape: [0, ...outputTail] };
      // postMessage clones a view's whole buffer: send a view into a larger buffer as a copy of its own.
      const whole = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
      const out = session.run(
        exported.inputName,
        exported.outputName,
        whole ? values : values.slice(),
        shape,
      );
      return { values: out.data, shape: out.dims };
    },
    dispose: () => session.dispose(),
  };
}
