import { describeValue } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertLiveInput, assertLiveModel, assertOptions } from './arguments';
import {
  PACKAGE,
  InvalidInputError,
  InvalidOptionError,
  OnnxError,
  SyncReadsUnavailableError,
} from './errors';
import { createOnnxModel } from './onnx-model';

/** Which engine evaluates: onnxruntime-node, tfjs, or onnxruntime-node where it can and tfjs otherwise. */
export type EvaluationEngine = 'auto' | 'onnxruntime' | 'tfjs';

/** The engines {@link createEvaluationModel} accepts. */
export const EVALUATION_ENGINES: readonly EvaluationEngine[] = ['auto', 'onnxruntime', 'tfjs'];

/** Options of {@link createEvaluationModel}. */
export interface EvaluationModelOptions {
  /**
   * `'onnxruntime'`: export to ONNX and run in onnxruntime-node, or throw. `'tfjs'`: the tfjs model itself.
   * `'auto'` (default): onnxruntime-node when it is installed and every layer exports, else tfjs (the reason
   * is kept in `fallback`).
   */
  engine?: EvaluationEngine;
  /** Threads of onnxruntime's pool (ignored by tfjs, whose threads are set when its backend starts). */
  threads?: number;
}

/** A model for forward evaluation, and a record of what evaluates it. */
export interface EvaluationModel {
  /** The engine that evaluates: record it with every result. */
  readonly engine: 'onnxruntime' | 'tfjs';
  /** Engine, version and threads or backend, e.g. `'onnxruntime-node 1.30.0, 2 threads'` or `'tfjs 4.22.0 (wasm)'`. */
  readonly description: string;
  /** With `engine: 'auto'` on tfjs: why onnxruntime-node was not used. */
  readonly fallback?: OnnxError;
  /** Logits of a batch (synchronous, no gradients through onnxruntime). Pass to `createClassifier`. */
  predict(x: tf.Tensor): tf.Tensor;
  /**
   * On onnxruntime: `OnnxModel.predictValues`, logits of plain row-major values without a tfjs tensor,
   * which `createClassifier` picks up so attacks keep their loop off tfjs. Absent on tfjs.
   */
  predictValues?(values: Float32Array, shape: readonly number[]): { values: Float32Array; shape: number[] };
  /** Ends the onnxruntime session, if any; never disposes the tfjs model. */
  dispose(): Promise<void>;
}

function tfjsModel(model: tfl.LayersModel, fallback?: OnnxError): EvaluationModel {
  return {
    engine: 'tfjs',
    description: `tfjs ${tf.version_core} (${tf.getBackend()})`,
    fallback,
    predict(x) {
      assertLiveInput('EvaluationModel.predict', model.inputs[0]?.shape ?? [], x);
      if (!(x instanceof tf.Tensor)) {
        throw new InvalidInputError(
          PACKAGE,
          `EvaluationModel.predict: expected a float32 tensor shaped like the model's input, got ${describeValue(x)}.`,
          { expected: model.inputs[0]?.shape ?? [], actual: [] },
        );
      }
      let out: tf.Tensor | tf.Tensor[];
      try {
        // Under tidy, so a model that fails half-way leaves none of its intermediate tensors behind.
        out = tf.tidy(() => model.predict(x));
      } catch (error) {
        throw new InvalidInputError(
          PACKAGE,
          `EvaluationModel.predict: the model failed on a ${x.dtype} tensor [${x.shape.join(', ')}] ` +
            `(${(error as Error).message}); pass images shaped like the model's input [${(model.inputs[0]?.shape ?? []).join(', ')}].`,
          { expected: model.inputs[0]?.shape ?? [], actual: x.shape },
        );
      }
      return Array.isArray(out) ? out[0] : out;
    },
    dispose: async () => {},
  };
}

/**
 * The evaluation model of a trained `tf.LayersModel` on the chosen engine. Evaluation (noise curves, the
 * Boundary Attack, transferred FGSM on the target) is forward passes only, which onnxruntime-node's native
 * kernels run several times faster than tfjs-wasm, with the same logits to 1e-4.
 *
 * @example
 * ```ts
 * import { createClassifier, gaussianNoiseAttack, robustnessCurve, scaleShift } from '@pixsim/attacks';
 * import { createEvaluationModel } from '@pixsim/onnx';
 *
 * // model: a trained CIFAR tf.LayersModel; testSet: { images: tf.Tensor4D in [0, 1], labels: Int32Array }
 * const evaluator = await createEvaluationModel(model, { engine: 'auto', threads: 2 });
 * const clf = createClassifier(evaluator, { preprocess: scaleShift(5, 0.5) }); // as in training
 * const curve = robustnessCurve(clf, testSet, gaussianNoiseAttack(), [0, 0.05, 0.1], { seed: 1 });
 * const record = { ...curve, engine: evaluator.engine, engineDescription: evaluator.description };
 * await evaluator.dispose();
 * ```
 * @throws {@link OnnxRuntimeUnavailableError} with `engine: 'onnxruntime'` when onnxruntime-node is absent.
 * @throws {@link UnsupportedLayerError} with `engine: 'onnxruntime'` when a layer has no ONNX translation.
 * @throws {@link InvalidOptionError} for an unknown engine, a bad thread count, options that are not an
 * object, or a model that is not a live `tf.LayersModel`.
 */
export async function createEvaluationModel(
  model: tfl.LayersModel,
  options: EvaluationModelOptions = {},
): Promise<EvaluationModel> {
  assertOptions('createEvaluationModel', options, "{ engine: 'auto', threads: 2 }");
  assertLiveModel('createEvaluationModel', model);
  const engine = options?.engine ?? 'auto';
  if (!EVALUATION_ENGINES.includes(engine)) {
    throw new InvalidOptionError(
      PACKAGE,
      `createEvaluationModel: unknown engine '${String(engine)}'. Use one of ${EVALUATION_ENGINES.map((e) => `'${e}'`).join(', ')}.`,
      { option: 'engine' },
    );
  }
  if (engine === 'tfjs') return tfjsModel(model);
  // tfjs engines whose tensors cannot be read synchronously (webgpu in Node): evaluate there with tfjs.
  const backend = tf.getBackend();
  if (backend === 'webgpu') {
    const error = new SyncReadsUnavailableError(
      backend,
      `createEvaluationModel: the ${backend} engine has no synchronous read, which onnxruntime-node evaluation ` +
        "needs to copy weights and images out of tfjs; evaluate with engine 'tfjs' (or 'auto') on this engine, " +
        'or train on another engine.',
    );
    if (engine === 'auto') return tfjsModel(model, error);
    throw error;
  }
  try {
    return await createOnnxModel(model, { threads: options?.threads });
  } catch (error) {
    const recoverable =
      OnnxError.is(error) && error.code !== 'INVALID_OPTION' && error.code !== 'ONNX_RUNTIME_FAILED';
    if (engine === 'auto' && recoverable) return tfjsModel(model, error);
    throw error;
  }
}
