import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/attacks';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidLabelsError,
  InvalidOptionError,
  MissingPackageError,
  NonFiniteValueError,
  ShapeMismatchError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/attacks` throws. */
export type AttackErrorCode =
  | 'OUT_OF_BOUNDS'
  | 'SHAPE_MISMATCH'
  | 'INVALID_EPSILON'
  | 'MISSING_LABELS'
  | 'INVALID_LABELS'
  | 'INVALID_OPTION'
  | 'NON_FINITE_VALUE'
  | 'GRADIENTS_NOT_REGISTERED'
  | 'DISPOSED_TENSOR'
  | 'INVALID_CLASSIFIER'
  | 'INVALID_SEVERITY'
  | 'UNKNOWN_CORRUPTION'
  | 'CORRUPTION_UNAVAILABLE'
  | 'INCOMPARABLE_EVALUATIONS'
  | 'MISSING_PACKAGE';

/**
 * Base class of every error thrown by `@pixsim/attacks`. `code` is stable and safe to switch on; the
 * message names the problem and the fix.
 */
export class AttackError extends PixsimError<AttackErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: AttackErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link AttackError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is AttackError {
    return AttackError.isInstance(error);
  }
}

/** Images hold values outside the classifier's input bounds (e.g. 0..255 bytes where `[0, 1]` is expected). */
export class OutOfBoundsError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/OutOfBoundsError';
  /** Smallest and largest image value found. */
  readonly min: number;
  readonly max: number;
  /** The classifier's bounds `[min, max]` the values must lie in. */
  readonly bounds: readonly [number, number];

  constructor(min: number, max: number, bounds: readonly [number, number], message: string) {
    super('OUT_OF_BOUNDS', message);
    this.min = min;
    this.max = max;
    this.bounds = bounds;
  }
}

/** An attack budget ε is negative, NaN or infinite (or a probability ε is above 1). */
export class InvalidEpsilonError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/InvalidEpsilonError';
  constructor(message: string) {
    super('INVALID_EPSILON', message);
  }
}

/** An attack or evaluation that needs labels was called without them. */
export class MissingLabelsError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/MissingLabelsError';
  constructor(message: string) {
    super('MISSING_LABELS', message);
  }
}

/**
 * A gradient attack (FGSM, PGD) ran before tfjs gradients were registered: `@tensorflow/tfjs-core` alone
 * does not register them; `@tensorflow/tfjs-layers` and `@tensorflow/tfjs` do.
 */
export class GradientsNotRegisteredError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/GradientsNotRegisteredError';
  constructor(message: string) {
    super('GRADIENTS_NOT_REGISTERED', message);
  }
}

/** A tensor passed in was already disposed (`argument` names which one). */
export class DisposedTensorError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/DisposedTensorError';
  readonly argument: string;

  constructor(argument: string, message: string) {
    super('DISPOSED_TENSOR', message);
    this.argument = argument;
  }
}

/**
 * Something that is not a `Classifier` from `createClassifier` was passed where one is expected
 * (`argument` names the parameter, e.g. `classifier` or `options.surrogate`).
 */
export class InvalidClassifierError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/InvalidClassifierError';
  readonly argument: string;

  constructor(argument: string, message: string) {
    super('INVALID_CLASSIFIER', message);
    this.argument = argument;
  }
}

/** A corruption severity is not one of the integers 1–5 of CIFAR-10-C. */
export class InvalidSeverityError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/InvalidSeverityError';
  /** The severity passed. */
  readonly severity: unknown;

  constructor(severity: unknown, message: string) {
    super('INVALID_SEVERITY', message);
    this.severity = severity;
  }
}

/** A corruption name is not one of CIFAR-10-C's (a typo, or a family this package does not know). */
export class UnknownCorruptionError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/UnknownCorruptionError';
  /** The name passed. */
  readonly family: unknown;
  /** The families that can be asked for. */
  readonly known: readonly string[];

  constructor(family: unknown, known: readonly string[], message: string) {
    super('UNKNOWN_CORRUPTION', message);
    this.family = family;
    this.known = known;
  }
}

/**
 * Why a known corruption cannot run: `'texture-files'` (frost blends photographs of frost that the
 * reference ships as image files), `'not-implemented'` (a reference family this package does not
 * reproduce yet), `'grey-images'` (saturate needs colour, images have one channel), `'needs-codec'` (JPEG
 * needs an encoder: pass `jpeg`, e.g. `await sharpJpeg()` of `@pixsim/attacks/node`), `'sync'` (JPEG
 * encoders are asynchronous: use the `*Async` function).
 */
export type CorruptionUnavailableReason =
  | 'texture-files'
  | 'not-implemented'
  | 'grey-images'
  | 'needs-codec'
  | 'sync';

/** A known corruption cannot run here (see {@link CorruptionUnavailableReason}). */
export class CorruptionUnavailableError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/CorruptionUnavailableError';
  readonly family: string;
  readonly reason: CorruptionUnavailableReason;

  constructor(family: string, reason: CorruptionUnavailableReason, message: string) {
    super('CORRUPTION_UNAVAILABLE', message);
    this.family = family;
    this.reason = reason;
  }
}

/**
 * Two corruption evaluations cannot be compared (mCE): their families or severities differ, or the baseline
 * makes no error where the summary divides by its error.
 */
export class IncomparableEvaluationsError extends AttackError {
  static override readonly marker: string = '@pixsim/attacks/IncomparableEvaluationsError';
  constructor(message: string) {
    super('INCOMPARABLE_EVALUATIONS', message);
  }
}
