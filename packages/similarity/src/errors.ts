/** Machine-readable codes of every error `@pixsim/similarity` throws. */
export type SimilarityErrorCode =
  | 'SHAPE_MISMATCH'
  | 'INVALID_RANK'
  | 'INVALID_OPTION'
  | 'NON_FINITE_VALUE'
  | 'ZERO_VARIANCE'
  | 'INVALID_INPUT';

const FAMILY = Symbol.for('@pixsim/similarity/SimilarityError');

/**
 * Base class of every error thrown by `@pixsim/similarity`. `code` is stable and safe to switch on;
 * the message names the problem and the fix.
 */
export class SimilarityError extends Error {
  readonly code: SimilarityErrorCode;

  constructor(code: SimilarityErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    (this as unknown as Record<symbol, boolean>)[FAMILY] = true;
  }

  /**
   * True when `error` was thrown by `@pixsim/similarity`, also by another copy of the package (its ESM and
   * CJS builds, or two installs), where `instanceof` fails. Narrows to the family; switch on `code`.
   */
  static is(error: unknown): error is SimilarityError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[FAMILY] === true;
  }
}

/** A tensor has the wrong rank (e.g. a 3-D tensor where an `[N, D]` matrix is expected). */
export class InvalidRankError extends SimilarityError {
  constructor(message: string) {
    super('INVALID_RANK', message);
  }
}

/** Two inputs that must agree in shape (same N, same pair count, square matrix) do not. */
export class ShapeMismatchError extends SimilarityError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** An option is outside its valid range (`th` outside (0, 1), `th2 >= th` for `double`, unknown name). */
export class InvalidOptionError extends SimilarityError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** The input contains NaN or ±Infinity. */
export class NonFiniteValueError extends SimilarityError {
  constructor(message: string) {
    super('NON_FINITE_VALUE', message);
  }
}

/**
 * A row is constant after centring (it equals the mean row), so its cosine similarity is undefined
 * (0/0). Raised by {@link similarityMatrix} unless `zeroVariance: 'zero'` is passed.
 */
export class ZeroVarianceError extends SimilarityError {
  /** Indices of the offending rows. */
  readonly rows: number[];

  constructor(rows: number[]) {
    const shown = rows.slice(0, 10).join(', ') + (rows.length > 10 ? ', …' : '');
    super(
      'ZERO_VARIANCE',
      `similarityMatrix: ${rows.length} row(s) have zero norm after subtracting the mean row (rows ${shown}); ` +
        'their cosine similarity is undefined. Remove duplicate/constant items, or pass ' +
        "{ zeroVariance: 'zero' } to give them similarity 0 to every other item (and 1 to themselves).",
    );
    this.rows = rows;
  }
}

/** An argument is not a usable tensor or array: wrong type, disposed, or empty. */
export class InvalidInputError extends SimilarityError {
  /** The parameter at fault. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super('INVALID_INPUT', message);
    this.parameter = parameter;
  }
}
