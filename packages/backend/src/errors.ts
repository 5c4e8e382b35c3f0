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

/** Marks every `BackendError`, so {@link BackendError.is} recognises errors from another copy of the package. */
const FAMILY = Symbol.for('@pixsim/backend/BackendError');

/**
 * Base class of every error thrown by `@pixsim/backend`. `code` is stable and safe to switch on; the
 * message names the problem and the fix.
 */
export class BackendError extends Error {
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    (this as unknown as Record<symbol, boolean>)[FAMILY] = true;
  }

  /**
   * True when `error` was thrown by `@pixsim/backend`, also by another copy of the package (its ESM and
   * CJS builds, or two installs), where `instanceof` fails. Narrows to the family; switch on `code`.
   */
  static is(error: unknown): error is BackendError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[FAMILY] === true;
  }
}

/** A backend name (argument or `PIXSIM_BACKEND`) that is not one of `auto`, `tensorflow`, `webgpu`, `wasm`, `cpu`. */
export class UnknownBackendError extends BackendError {
  constructor(message: string) {
    super('UNKNOWN_BACKEND', message);
  }
}

/** An explicitly requested backend could not be loaded or initialised. */
export class BackendUnavailableError extends BackendError {
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
  constructor(message: string) {
    super('WASM_BACKEND_NOT_LOADED', message);
  }
}

/** A training kernel received an input it does not handle (e.g. `NCHW` data). */
export class UnsupportedKernelInputError extends BackendError {
  constructor(message: string) {
    super('UNSUPPORTED_KERNEL_INPUT', message);
  }
}

/** `threads` for the threaded wasm backend is not an integer from 1 to 8. */
export class InvalidThreadsError extends BackendError {
  constructor(message: string) {
    super('INVALID_THREADS', message);
  }
}

/** The threaded wasm backend could not be started (wrong order of calls, not Node, or a start failure). */
export class WasmThreadsUnavailableError extends BackendError {
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
  constructor(message: string, options?: { cause?: unknown }) {
    super('KERNEL_WORKER', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The WebGPU engine was asked for but an npm package it needs is not installed. */
export class WebGPUPackageMissingError extends BackendError {
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
  constructor(message: string) {
    super('SYNC_READ_UNSUPPORTED', message);
  }
}

/** An option of `initBackend`, `initWasmThreads` or `initWebGPU` has the wrong type (`option` names it). */
export class InvalidOptionError extends BackendError {
  /** The option at fault, e.g. `options`, `options.log` or `options.env.PIXSIM_BACKEND`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTION', message);
    this.option = option;
  }
}
