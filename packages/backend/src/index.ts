/**
 * `@pixsim/backend`: picks the fastest TensorFlow.js engine ({@link initBackend}) and registers training
 * kernels that let the `wasm` backend train CNNs ({@link registerWasmTrainingKernels}, or import the
 * side-effect module `@pixsim/backend/wasm-training`); {@link initWebGPU} starts the WebGPU engine
 * (browsers, or Node through Dawn). Universal (browsers, web workers, Node): no Node built-in is imported.
 * `@pixsim/backend/node` adds the threaded wasm build of Node (`initWasmThreads`, and `initBackend` with
 * `wasmThreads`).
 *
 * @packageDocumentation
 * @module @pixsim/backend
 */
export { ASYNC_ONLY_BACKEND, registerAsyncOnlyBackend } from './async-only-backend';
export { type DescribeChoiceOptions, describeBackendChoice } from './choice-lines';
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
  AUTO_ORDER,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
  type InitBackendOptions,
  initBackend,
  type Platform,
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
export type { WasmThreadsResult } from './wasm-threads';
export type { WebGPUAdapterDescription } from './webgpu/adapter';
export type { GPUSource } from './webgpu/gpu-source';
export { type InitWebGPUOptions, initWebGPU, type WebGPUInit } from './webgpu/init-webgpu';
