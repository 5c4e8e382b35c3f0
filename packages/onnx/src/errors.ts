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

/** Marks every `OnnxError`, so {@link OnnxError.is} recognises errors from another copy of the package. */
const BRAND = Symbol.for('@pixsim/onnx/OnnxError');

/**
 * Base class of every error thrown by `@pixsim/onnx`. `code` is stable and safe to switch on; the message
 * names the problem and the fix.
 */
export class OnnxError extends Error {
  readonly code: OnnxErrorCode;

  constructor(code: OnnxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for any error thrown by `@pixsim/onnx`, also when it comes from another copy of the package (where
   * `instanceof` is false).
   */
  static is(error: unknown): error is OnnxError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }

  /** The same as {@link OnnxError.is} (the name every other `@pixsim` package uses); kept for existing callers. */
  static isOnnxError(error: unknown): error is OnnxError {
    return OnnxError.is(error);
  }
}

/** A layer of the model has no ONNX translation here (class, or a setting such as `channelsFirst`). */
export class UnsupportedLayerError extends OnnxError {
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

/** The model as a whole cannot be exported: several inputs or outputs, or an input that is not rank 2 or 4. */
export class UnsupportedModelError extends OnnxError {
  constructor(message: string) {
    super('UNSUPPORTED_MODEL', message);
  }
}

/** `onnxruntime-node` is not installed (or cannot be loaded on this platform) and was asked for explicitly. */
export class OnnxRuntimeUnavailableError extends OnnxError {
  /** The command that installs it. */
  readonly install: string;

  constructor(message: string, install: string, options?: { cause?: unknown }) {
    super('ONNX_RUNTIME_UNAVAILABLE', message, options);
    this.install = install;
  }
}

/** onnxruntime-node rejected the exported model or failed while running it (the cause holds its message). */
export class OnnxRuntimeFailedError extends OnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ONNX_RUNTIME_FAILED', message, options);
  }
}

/** An option has a wrong value (the message names it and the accepted values). */
export class InvalidOptionError extends OnnxError {
  /** Name of the option. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTION', message);
    this.option = option;
  }
}

/** A batch given to an exported model has the wrong shape or dtype. */
export class InvalidInputError extends OnnxError {
  /** The shape the model expects, `null` for the batch size. */
  readonly expected: readonly (number | null)[];
  /** The shape it got. */
  readonly actual: readonly number[];

  constructor(expected: readonly (number | null)[], actual: readonly number[], message: string) {
    super('INVALID_INPUT', message);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A model was used after `dispose()`. */
export class SessionDisposedError extends OnnxError {
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
  /** The tfjs backend in use. */
  readonly backend: string;

  constructor(backend: string, message: string) {
    super('SYNC_READS_UNAVAILABLE', message);
    this.backend = backend;
  }
}
