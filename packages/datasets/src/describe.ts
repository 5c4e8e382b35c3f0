import { describeValue, isNumberList, isOptionsObject } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

/** Throws {@link InvalidOptionError} unless `options` is an object (undefined is allowed when `optional`). */
export function assertOptionsObject(fn: string, options: unknown, expected: string, optional = true): void {
  if (optional && options === undefined) return;
  if (!isOptionsObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object ${expected}, got ${describeValue(options)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `x` is an array or typed array (of indices). */
export function assertList(fn: string, name: string, x: unknown): asserts x is ArrayLike<number> {
  if (!isNumberList(x)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be an array or typed array of indices, got ${describeValue(x)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `buffer` is a `Uint8Array` (the bytes of a file). */
export function assertBytes(fn: string, buffer: unknown): asserts buffer is Uint8Array {
  if (!(buffer instanceof Uint8Array)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: buffer must be the file's bytes as a Uint8Array (e.g. from fs.readFileSync), got ${describeValue(buffer)}.`,
    );
  }
}

/** The one `describeValue` (of `@pixsim/core`), under the name `prng.ts` imports it by until the generator moves to core. */
export { describeValue as describe } from '@pixsim/core';
