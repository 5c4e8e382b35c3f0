/**
 * `@pixsim/onnx`: exports a trained TensorFlow.js `LayersModel` to ONNX in memory ({@link toOnnx}) and runs it
 * with onnxruntime-node ({@link createOnnxModel}), an optional peer dependency whose native CPU kernels evaluate
 * several times faster than tfjs-wasm. {@link createEvaluationModel} picks the engine (`'auto'` falls back to
 * tfjs) and says which one evaluates. Node only.
 *
 * @packageDocumentation
 */
export {
  InvalidInputError,
  InvalidOptionError,
  OnnxError,
  type OnnxErrorCode,
  OnnxRuntimeFailedError,
  OnnxRuntimeUnavailableError,
  SessionDisposedError,
  SyncReadsUnavailableError,
  UnsupportedLayerError,
  UnsupportedModelError,
} from './errors';
export {
  createEvaluationModel,
  EVALUATION_ENGINES,
  type EvaluationEngine,
  type EvaluationModel,
  type EvaluationModelOptions,
} from './evaluation';
export { type OnnxExport, toOnnx } from './export';
export { SUPPORTED_LAYERS } from './layers';
export { createOnnxModel, type OnnxModel, type OnnxModelOptions } from './onnx-model';
export { ONNX_RUNTIME_INSTALL } from './session-thread';
