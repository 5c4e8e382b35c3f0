import { InvalidOptionError } from './errors';

/**
 * A short, never-throwing description of any value for error messages (a disposed tensor cannot be
 * printed with `${x}`): numbers and strings as themselves, anything else by its kind.
 */
export function describe(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'boolean' || x == null) return String(x);
  if (typeof x === 'string') return `'${x.slice(0, 40)}'`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object' && Array.isArray((x as { shape?: unknown }).shape)) {
    return `a tensor of shape [${(x as { shape: number[] }).shape.join(', ')}]`;
  }
  return typeof x;
}

/** Throws {@link InvalidOptionError} unless `options` is an object (undefined is allowed when `optional`). */
export function assertOptionsObject(fn: string, options: unknown, expected: string, optional = true): void {
  if (optional && options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`${fn}: options must be an object ${expected}, got ${describe(options)}.`);
  }
}

/** Throws {@link InvalidOptionError} unless `x` is an array or typed array (of indices). */
export function assertList(fn: string, name: string, x: unknown): asserts x is ArrayLike<number> {
  if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) {
    throw new InvalidOptionError(
      `${fn}: ${name} must be an array or typed array of indices, got ${describe(x)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `buffer` is a `Uint8Array` (the bytes of a file). */
export function assertBytes(fn: string, buffer: unknown): asserts buffer is Uint8Array {
  if (!(buffer instanceof Uint8Array)) {
    throw new InvalidOptionError(
      `${fn}: buffer must be the file's bytes as a Uint8Array (e.g. from fs.readFileSync), got ${describe(buffer)}.`,
    );
  }
}
