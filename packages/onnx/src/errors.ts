import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/onnx';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidInputError,
  InvalidOptionError,
  UnsupportedModelError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/onnx` throws. */
export type OnnxErrorCode =
  | 'UNSUPPORTED_LAYER'
  | 'UNSUPPORTED_MODEL'
  | 'ONNX_RUNTIME_UNAVAILABLE'
  | 'ONNX_RUNTIME_FAILED'
  | 'INVALID_OPTION'
  | 'INVALID_INPUT'
  | 'SESSION_DISPOSED'
  | 'SYNC_READS_UNAVAILABLE';

/**
 * Base class of every error thrown by `@pixsim/onnx`. `code` is stable and safe to switch on; the message
 * names the problem and the fix.
 */
export class OnnxError extends PixsimError<OnnxErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: OnnxErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link OnnxError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is OnnxError {
    return OnnxError.isInstance(error);
  }

  /** @deprecated Use {@link OnnxError.isInstance}; `isOnnxError` stays for existing callers. */
  static isOnnxError(error: unknown): error is OnnxError {
    return OnnxError.isInstance(error);
  }
}

/** A layer of the model has no ONNX translation here (class, or a setting such as `channelsFirst`). */
export class UnsupportedLayerError extends OnnxError {
  static override readonly marker: string = '@pixsim/onnx/UnsupportedLayerError';
  /** Name of the layer (`layer.name`). */
  readonly layer: string;
  /** Class of the layer (`layer.getClassName()`). */
  readonly layerClass: string;

  constructor(layer: string, layerClass: string, message: string) {
    super('UNSUPPORTED_LAYER', message);
    this.layer = layer;
    this.layerClass = layerClass;
  }
}

/** `onnxruntime-node` is not installed (or cannot be loaded on this platform) and was asked for explicitly. */
export class OnnxRuntimeUnavailableError extends OnnxError {
  static override readonly marker: string = '@pixsim/onnx/OnnxRuntimeUnavailableError';
  /** The command that installs it. */
  readonly install: string;

  constructor(message: string, install: string, options?: { cause?: unknown }) {
    super('ONNX_RUNTIME_UNAVAILABLE', message, options);
    this.install = install;
  }
}

/** onnxruntime-node rejected the exported model or failed while running it (the cause holds its message). */
export class OnnxRuntimeFailedError extends OnnxError {
  static override readonly marker: string = '@pixsim/onnx/OnnxRuntimeFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ONNX_RUNTIME_FAILED', message, options);
  }
}

/** A model was used after `dispose()`. */
export class SessionDisposedError extends OnnxError {
  static override readonly marker: string = '@pixsim/onnx/SessionDisposedError';
  constructor(message: string) {
    super('SESSION_DISPOSED', message);
  }
}

/**
 * The active tfjs engine has no synchronous read (`webgpu` in Node), which onnxruntime-node evaluation needs to
 * copy the weights and every input batch out of tfjs. `createEvaluationModel` with `engine: 'auto'` evaluates
 * with tfjs instead (on that engine); `engine: 'onnxruntime'` throws this.
 */
export class SyncReadsUnavailableError extends OnnxError {
  static override readonly marker: string = '@pixsim/onnx/SyncReadsUnavailableError';
  /** The tfjs backend in use. */
  readonly backend: string;

  constructor(backend: string, message: string) {
    super('SYNC_READS_UNAVAILABLE', message);
    this.backend = backend;
  }
}
