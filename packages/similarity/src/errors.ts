import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/similarity';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidInputError,
  InvalidOptionError,
  NonFiniteValueError,
  ShapeMismatchError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/similarity` throws. */
export type SimilarityErrorCode =
  | 'SHAPE_MISMATCH'
  | 'INVALID_RANK'
  | 'INVALID_OPTION'
  | 'NON_FINITE_VALUE'
  | 'ZERO_VARIANCE'
  | 'INVALID_INPUT';

/**
 * Base class of every error thrown by `@pixsim/similarity`. `code` is stable and safe to switch on;
 * the message names the problem and the fix.
 */
export class SimilarityError extends PixsimError<SimilarityErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: SimilarityErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link SimilarityError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is SimilarityError {
    return SimilarityError.isInstance(error);
  }
}

/** A tensor has the wrong rank (e.g. a 3-D tensor where an `[N, D]` matrix is expected). */
export class InvalidRankError extends SimilarityError {
  static override readonly marker: string = '@pixsim/similarity/InvalidRankError';
  constructor(message: string) {
    super('INVALID_RANK', message);
  }
}

/**
 * A row is constant after centring (it equals the mean row), so its cosine similarity is undefined
 * (0/0). Raised by {@link similarityMatrix} unless `zeroVariance: 'zero'` is passed.
 */
export class ZeroVarianceError extends SimilarityError {
  static override readonly marker: string = '@pixsim/similarity/ZeroVarianceError';
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
