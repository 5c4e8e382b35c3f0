import { InvalidLabelsError, PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/regularizer';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidInputError,
  InvalidLabelsError,
  InvalidOptionError,
  NonFiniteValueError,
  ShapeMismatchError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/regularizer` throws. */
export type RegularizerErrorCode =
  | 'INVALID_OPTION'
  | 'SHAPE_MISMATCH'
  | 'UNKNOWN_LAYER'
  | 'NON_FINITE_VALUE'
  | 'STATE_MISMATCH'
  | 'CHECKPOINT'
  | 'NON_FINITE_STEP'
  | 'INVALID_LABELS'
  | 'MODEL_MISMATCH'
  | 'INVALID_INPUT'
  | 'UNWRITABLE_PATH'
  | 'PIXEL_RANGE';

/**
 * Base class of every error thrown by `@pixsim/regularizer`. `code` is stable and safe to switch on;
 * the message names the problem and the fix.
 */
export class RegularizerError extends PixsimError<RegularizerErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: RegularizerErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link RegularizerError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is RegularizerError {
    return RegularizerError.isInstance(error);
  }
}

/** A tap names a layer the model does not have. */
export class UnknownLayerError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/UnknownLayerError';
  constructor(message: string) {
    super('UNKNOWN_LAYER', message);
  }
}

/** Saved state (running means, tap weights, sampler or trainer state) does not fit the object restoring it. */
export class StateMismatchError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/StateMismatchError';
  constructor(message: string) {
    super('STATE_MISMATCH', message);
  }
}

/** A checkpoint could not be found, read or written. */
export class CheckpointError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/CheckpointError';
  constructor(message: string) {
    super('CHECKPOINT', message);
  }
}

/** Which input of a training step held a non-finite value, or which computed quantity became one. */
export type NonFiniteSource =
  | 'inputs'
  | 'pairs.a'
  | 'pairs.b'
  | 'pairs.targets'
  | 'loss'
  | 'gradients'
  | 'batch-norm statistics'
  | 'running means';

/**
 * A training step met NaN or ±Infinity (in an input batch, or in the loss, gradients or updated
 * statistics it computed). The step was rolled back: weights, optimizer slots, batch-norm moving
 * statistics, running means and tap logits are as they were before it.
 */
export class NonFiniteStepError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/NonFiniteStepError';
  /** Where the non-finite value was found. */
  readonly source: NonFiniteSource;
  /** The batch, as the caller named it (e.g. `epoch 3, step 12, images 768…831` from `train()`). */
  readonly batch: string;

  constructor(fn: string, source: NonFiniteSource, batch: string) {
    const input = source === 'inputs' || source.startsWith('pairs.');
    super(
      'NON_FINITE_STEP',
      `${fn}: ${source} of ${batch} ${input ? 'hold' : 'became'} NaN or ±Infinity; the step was rolled back ` +
        '(weights, optimizer, batch-norm statistics and running means are unchanged). ' +
        (input
          ? 'Clean or drop the offending images (check the decoding and the input scaling).'
          : 'Lower the learning rate or α, or check the model for an unstable layer.'),
    );
    this.source = source;
    this.batch = batch;
  }
}

/** The regularizer taps another model than the one being trained, so `L_sim` cannot move its weights. */
export class ModelMismatchError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/ModelMismatchError';
  constructor(message: string) {
    super('MODEL_MISMATCH', message);
  }
}

/** A checkpoint or metrics location cannot be written (read-only file system, a file in the way…). */
export class UnwritablePathError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/UnwritablePathError';
  /** The path that cannot be written. */
  readonly path: string;
  /** The Node error code behind it (`EROFS`, `EACCES`, `ENOTDIR`, `EEXIST`, `EISDIR`, `ENOSPC`…). */
  readonly reason: string;

  constructor(path: string, reason: string, message: string) {
    super('UNWRITABLE_PATH', message);
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Images hold values outside the range their type promises: float pixels outside [0, 1] (typically
 * 0..255 values that were not divided by 255), or integer pixels outside [0, 255].
 */
export class PixelRangeError extends RegularizerError {
  static override readonly marker: string = '@pixsim/regularizer/PixelRangeError';
  /** The argument at fault, e.g. `train.images`. */
  readonly argument: string;
  /** Smallest and largest value found. */
  readonly min: number;
  readonly max: number;
  /** The range the values must lie in. */
  readonly expected: readonly [number, number];

  constructor(
    argument: string,
    min: number,
    max: number,
    expected: readonly [number, number],
    message: string,
  ) {
    super('PIXEL_RANGE', message);
    this.argument = argument;
    this.min = min;
    this.max = max;
    this.expected = expected;
  }
}

/**
 * The {@link InvalidLabelsError} for label `value` at `index`, which is not an integer in `[0, classes)`
 * (`classes`: the model's output width).
 */
export function invalidLabelsError(
  fn: string,
  index: number,
  value: number,
  classes: number,
): InvalidLabelsError {
  return new InvalidLabelsError(
    PACKAGE,
    `${fn}: label ${index} is ${value}; labels must be integers in [0, ${classes}) for a model with ` +
      `${classes} outputs. Pass class indices (not one-hot rows), or give the model one output per class.`,
    { index, value, classes },
  );
}
