/**
 * `@pixsim/backend/node`: everything of `@pixsim/backend`, plus what needs Node (files, `worker_threads`,
 * `os`): {@link initWasmThreads} (the threaded XNNPACK build of the wasm engine, with kernel helper threads)
 * and an {@link initBackend} that starts it for `wasmThreads` above 1. The main entry `@pixsim/backend` is
 * universal and never imports a Node built-in, so it bundles for browsers.
 *
 * @example
 * ```ts
 * import { initBackend } from '@pixsim/backend/node';
 * await initBackend('auto', { wasmThreads: 'auto' });
 * ```
 * @packageDocumentation
 * @module @pixsim/backend/node
 */
export * from './index';
export { initBackend } from './init-backend-node';
export { initWasmThreads } from './wasm-threads';
export { SWIFTSHADER_ICD, WEBGPU_TEST_SETUP, webgpuSkipReason as useSoftwareWebGPU } from './testing/webgpu';
