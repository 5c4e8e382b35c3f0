import { InvalidOptionError } from './errors';

/** A short, never-throwing description of a value for messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'string') return `'${x.slice(0, 40)}'`;
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'plain'} object`;
  return String(x);
}

/** True for `{ … }` literals (and `Object.create(null)`), false for arrays, tensors, typed arrays, … */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Throws {@link InvalidOptionError} unless `options` is a plain options object (or `undefined`, for
 * the defaults). `example` shows a valid call in the message.
 */
export function assertOptionsObject(fn: string, options: unknown, example: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new InvalidOptionError(
      'options',
      `${fn}: options must be an object, got ${describeValue(options)}; pass e.g. ${example}, or leave it out for the defaults.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `value` is `undefined` or `true` / `false`. */
export function assertOptionalBoolean(fn: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidOptionError(
      `options.${name}`,
      `${fn}: ${name} must be true or false, got ${describeValue(value)}; leave it out for the default.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `value` is `undefined`, `false` or a function. */
export function assertOptionalSink(fn: string, name: string, value: unknown): void {
  if (value !== undefined && value !== false && typeof value !== 'function') {
    throw new InvalidOptionError(
      `options.${name}`,
      `${fn}: ${name} must be a function (line) => void or false for silence, got ${describeValue(value)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `env` is `undefined` or an object whose `PIXSIM_BACKEND` is a string. */
export function assertEnv(fn: string, env: unknown): void {
  if (env === undefined) return;
  if (env === null || typeof env !== 'object' || Array.isArray(env) || ArrayBuffer.isView(env)) {
    throw new InvalidOptionError(
      'options.env',
      `${fn}: env must be an object of environment variables (e.g. process.env or {}), got ${describeValue(env)}.`,
    );
  }
  const value = (env as Record<string, unknown>).PIXSIM_BACKEND;
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidOptionError(
      'options.env.PIXSIM_BACKEND',
      `${fn}: env.PIXSIM_BACKEND must be a string such as 'wasm', got ${describeValue(value)}.`,
    );
  }
}
