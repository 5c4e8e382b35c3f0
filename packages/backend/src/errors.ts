import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/backend';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export { InvalidOptionError } from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/backend` throws. */
export type BackendErrorCode =
  | 'UNKNOWN_BACKEND'
  | 'BACKEND_UNAVAILABLE'
  | 'WASM_BACKEND_NOT_LOADED'
  | 'UNSUPPORTED_KERNEL_INPUT'
  | 'INVALID_THREADS'
  | 'WASM_THREADS_UNAVAILABLE'
  | 'KERNEL_WORKER'
  | 'WEBGPU_PACKAGE_MISSING'
  | 'NO_WEBGPU_ADAPTER'
  | 'SOFTWARE_ADAPTER_REFUSED'
  | 'SYNC_READ_UNSUPPORTED'
  | 'INVALID_OPTION';

/**
 * Base class of every error thrown by `@pixsim/backend`. `code` is stable and safe to switch on; the
 * message names the problem and the fix.
 */
export class BackendError extends PixsimError<BackendErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: BackendErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link BackendError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is BackendError {
    return BackendError.isInstance(error);
  }
}

/** A backend name (argument or `PIXSIM_BACKEND`) that is not one of `auto`, `tensorflow`, `webgpu`, `wasm`, `cpu`. */
export class UnknownBackendError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/UnknownBackendError';
  constructor(message: string) {
    super('UNKNOWN_BACKEND', message);
  }
}

/** An explicitly requested backend could not be loaded or initialised. */
export class BackendUnavailableError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/BackendUnavailableError';
  /** The backend that was asked for. */
  readonly backend: string;

  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message);
    this.backend = backend;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The wasm training kernels were asked for before `@tensorflow/tfjs-backend-wasm` was imported. */
export class WasmBackendNotLoadedError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/WasmBackendNotLoadedError';
  constructor(message: string) {
    super('WASM_BACKEND_NOT_LOADED', message);
  }
}

/** A training kernel received an input it does not handle (e.g. `NCHW` data). */
export class UnsupportedKernelInputError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/UnsupportedKernelInputError';
  constructor(message: string) {
    super('UNSUPPORTED_KERNEL_INPUT', message);
  }
}

/** `threads` for the threaded wasm backend is not an integer from 1 to 8. */
export class InvalidThreadsError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/InvalidThreadsError';
  constructor(message: string) {
    super('INVALID_THREADS', message);
  }
}

/** The threaded wasm backend could not be started (wrong order of calls, not Node, or a start failure). */
export class WasmThreadsUnavailableError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/WasmThreadsUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WASM_THREADS_UNAVAILABLE', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * A helper thread of the SIMD kernels failed: it could not start, trapped, or stopped answering. The
 * message says which; restarting the process without `initWasmThreads` avoids the helpers.
 */
export class KernelWorkerError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/KernelWorkerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('KERNEL_WORKER', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The WebGPU engine was asked for but an npm package it needs is not installed. */
export class WebGPUPackageMissingError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/WebGPUPackageMissingError';
  /** The package to install (`webgpu` in Node, or `@tensorflow/tfjs-backend-webgpu`). */
  readonly module: string;

  constructor(module: string, message: string, options?: { cause?: unknown }) {
    super('WEBGPU_PACKAGE_MISSING', message);
    this.module = module;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** WebGPU is there (`navigator.gpu` or the `webgpu` package) but offers no adapter (no usable GPU driver). */
export class NoWebGPUAdapterError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/NoWebGPUAdapterError';
  /** Where the `GPU` object came from: `'navigator.gpu'` or the `webgpu` package. */
  readonly source: string;

  constructor(source: string, message: string) {
    super('NO_WEBGPU_ADAPTER', message);
    this.source = source;
  }
}

/**
 * The only WebGPU adapter is a software one (SwiftShader, llvmpipe, …) and it was not asked for
 * explicitly: `initBackend('auto')` never trains on a CPU emulating a GPU.
 */
export class SoftwareAdapterRefusedError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/SoftwareAdapterRefusedError';
  /** The adapter that was refused. */
  readonly adapter: { vendor: string; architecture: string; device: string; description: string };

  constructor(
    adapter: { vendor: string; architecture: string; device: string; description: string },
    message: string,
  ) {
    super('SOFTWARE_ADAPTER_REFUSED', message);
    this.adapter = adapter;
  }
}

/**
 * `dataSync()` / `arraySync()` (a synchronous read) of a tensor on the `webgpu` backend in Node: Dawn
 * has no synchronous readback (tfjs reads synchronously through `OffscreenCanvas`, which only browsers
 * have). Read with `await tensor.data()` / `array()` instead.
 */
export class SyncReadUnsupportedError extends BackendError {
  static override readonly marker: string = '@pixsim/backend/SyncReadUnsupportedError';
  constructor(message: string) {
    super('SYNC_READ_UNSUPPORTED', message);
  }
}
