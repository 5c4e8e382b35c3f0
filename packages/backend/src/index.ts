/**
 * `@pixsim/backend`: picks the fastest TensorFlow.js engine ({@link initBackend}) and registers training
 * kernels that let the `wasm` backend train CNNs ({@link registerWasmTrainingKernels}, or import the
 * side-effect module `@pixsim/backend/wasm-training`); {@link initWasmThreads} starts the threaded XNNPACK
 * build in Node; {@link initWebGPU} starts the WebGPU engine (browsers, or Node through Dawn).
 *
 * @packageDocumentation
 */
export {
  BackendError,
  type BackendErrorCode,
  BackendUnavailableError,
  InvalidOptionError,
  InvalidThreadsError,
  KernelWorkerError,
  NoWebGPUAdapterError,
  SoftwareAdapterRefusedError,
  SyncReadUnsupportedError,
  UnknownBackendError,
  UnsupportedKernelInputError,
  WasmBackendNotLoadedError,
  WasmThreadsUnavailableError,
  WebGPUPackageMissingError,
} from './errors';
export {
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
  type InitBackendOptions,
  initBackend,
  slowEngineWarning,
} from './init-backend';
export {
  type FilterGradientPath,
  filterGradientPaths,
  resetFilterGradientPaths,
} from './wasm-training/filter-gradient-paths';
export {
  registerWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
  wasmTrainingKernels,
} from './wasm-training/register';
export { initWasmThreads, type WasmThreadsResult } from './wasm-threads';
export type { WebGPUAdapterDescription } from './webgpu/adapter';
export type { GPUSource } from './webgpu/gpu-source';
export { type InitWebGPUOptions, initWebGPU, type WebGPUInit } from './webgpu/init-webgpu';
