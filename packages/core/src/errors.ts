/**
 * The error base of every `@pixsim` package. Each error class names a marker: a key of the global symbol
 * registry (`Symbol.for`), so two copies of one package (its ESM and CJS builds, or two installs) share it.
 * An error carries the markers of its class, of every class above it, and of the package that threw it;
 * `isInstance` and `instanceof` test the marker, so they hold where the prototype chain does not.
 */

/** Options every pixsim error takes: the error that caused it, if any. */
export interface PixsimErrorOptions {
  cause?: unknown;
}

/** An error class with its marker: what {@link PixsimError.isInstance} is called on. */
export type PixsimErrorClass<T> = (abstract new (...args: never[]) => T) & { readonly marker: string };

const ownMarker = (cls: unknown): string | undefined =>
  Object.hasOwn(cls as object, 'marker') ? (cls as { marker: string }).marker : undefined;

function setMarker(target: object, marker: string): void {
  Object.defineProperty(target, Symbol.for(marker), { value: true, enumerable: false });
}

/** True when `value` is an object that carries `marker`. */
function hasMarker(value: unknown, marker: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/** The marker test of `cls`; a class without a marker of its own (a user's subclass) falls back to the prototype chain. */
function matches(cls: unknown, value: unknown): boolean {
  const marker = ownMarker(cls);
  return marker === undefined
    ? Function.prototype[Symbol.hasInstance].call(cls, value)
    : hasMarker(value, marker);
}

/**
 * Base class of every error a `@pixsim` package throws. `code` is stable and safe to switch on;
 * `package` names the package that threw it; the message names the problem and the fix. Subclasses add
 * structured fields (the parameter, value or path at fault).
 *
 * Test with `SomeError.isInstance(e)` (or `instanceof`, which does the same): both hold across two
 * copies of a package, where a prototype check fails.
 */
export class PixsimError<Code extends string = string> extends Error {
  /**
   * Registry key marking this class. Every subclass names its own: `'<package>/<ClassName>'`, and a
   * package's base class the package name (`'@pixsim/datasets'`), the marker every error that package
   * throws carries, also one of the shared classes (`InvalidOptionError`, …).
   */
  static readonly marker: string = '@pixsim/core/PixsimError';

  /** Machine-readable code, stable across versions. */
  readonly code: Code;
  /** The package that threw the error, e.g. `'@pixsim/datasets'`. */
  readonly package: string;

  constructor(pkg: string, code: Code, message: string, options?: PixsimErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.package = pkg;
    setMarker(this, pkg);
    for (let cls: unknown = new.target; cls !== Error && cls != null; cls = Object.getPrototypeOf(cls)) {
      const marker = ownMarker(cls);
      if (marker !== undefined) setMarker(this, marker);
    }
  }

  /**
   * True when `value` is an error of this class (or of a subclass), also one thrown by another copy of
   * the package. Call it on the class (`DatasetError.isInstance(e)`); with `code`, also that the code
   * is this one.
   */
  static isInstance<T extends PixsimError>(
    this: PixsimErrorClass<T>,
    value: unknown,
    code?: T['code'],
  ): value is T {
    // biome-ignore lint/complexity/noThisInStatic: the guard of the class it is called on (inherited by each subclass).
    return matches(this, value) && (code === undefined || (value as T).code === code);
  }

  /** `instanceof` tests the marker too, so it holds across copies of a package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `x instanceof Sub` calls this with `this` = Sub.
    return matches(this, value);
  }
}
