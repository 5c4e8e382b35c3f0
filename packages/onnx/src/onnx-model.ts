import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidInputError, InvalidOptionError, OnnxRuntimeUnavailableError } from './errors';
import { assertLiveInput, assertLiveModel, assertOptions, describe, isExport } from './arguments';
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
  /** Ends the session thread. The tfjs model is not touched. */
  dispose(): Promise<void>;
}

function resolveThreads(threads: unknown): number {
  const value = threads ?? availableParallelism();
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw new InvalidOptionError(
      'threads',
      `createOnnxModel: threads must be an integer from 1 to 64, got ${describe(threads)}. Use e.g. 2 on a two-core machine.`,
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
      expected,
      actual,
      `OnnxModel.predict: expected a float32 tensor of shape [N, ${expected.slice(1).join(', ')}], got ` +
        `${x instanceof tf.Tensor ? `${x.dtype} [${x.shape.join(', ')}]` : describe(x)}. Pass images shaped like the model's input.`,
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
    dispose: () => session.dispose(),
  };
}
