/** Machine-readable codes of every error `@pixsim/regularizer` throws. */
export type RegularizerErrorCode =
  | 'INVALID_OPTION'
  | 'SHAPE_MISMATCH'
  | 'UNKNOWN_LAYER'
  | 'NON_FINITE_VALUE'
  | 'STATE_MISMATCH'
  | 'CHECKPOINT';

/**
 * Base class of every error thrown by `@pixsim/regularizer`. `code` is stable and safe to switch on;
 * the message names the problem and the fix.
 */
export class RegularizerError extends Error {
  readonly code: RegularizerErrorCode;

  constructor(code: RegularizerErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option is missing, of the wrong type or outside its valid range (α < 0, k < 1, unknown loss name…). */
export class InvalidOptionError extends RegularizerError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** Inputs that must agree in shape do not (pair batches, image arrays and their declared shape, targets). */
export class ShapeMismatchError extends RegularizerError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** A tap names a layer the model does not have. */
export class UnknownLayerError extends RegularizerError {
  constructor(message: string) {
    super('UNKNOWN_LAYER', message);
  }
}

/** A value that must be finite (a loss, an image, a target) is NaN or ±Infinity. */
export class NonFiniteValueError extends RegularizerError {
  constructor(message: string) {
    super('NON_FINITE_VALUE', message);
  }
}

/** Saved state (running means, tap weights, sampler or trainer state) does not fit the object restoring it. */
export class StateMismatchError extends RegularizerError {
  constructor(message: string) {
    super('STATE_MISMATCH', message);
  }
}

/** A checkpoint could not be found, read or written. */
export class CheckpointError extends RegularizerError {
  constructor(message: string) {
    super('CHECKPOINT', message);
  }
}
