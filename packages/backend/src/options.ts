import { describeValue, isPlainObject } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';

/**
 * Throws {@link InvalidOptionError} unless `options` is a plain options object (or `undefined`, for
 * the defaults). `example` shows a valid call in the message.
 */
export function assertOptionsObject(fn: string, options: unknown, example: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object, got ${describeValue(options)}; pass e.g. ${example}, or leave it out for the defaults.`,
      { option: 'options' },
    );
  }
}

/** Throws {@link InvalidOptionError} unless `value` is `undefined` or `true` / `false`. */
export function assertOptionalBoolean(fn: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be true or false, got ${describeValue(value)}; leave it out for the default.`,
      { option: `options.${name}` },
    );
  }
}

/** Throws {@link InvalidOptionError} unless `value` is `undefined`, `false` or a function. */
export function assertOptionalSink(fn: string, name: string, value: unknown): void {
  if (value !== undefined && value !== false && typeof value !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a function (line) => void or false for silence, got ${describeValue(value)}.`,
      { option: `options.${name}` },
    );
  }
}

/** Throws {@link InvalidOptionError} unless `env` is `undefined` or an object whose `PIXSIM_BACKEND` is a string. */
export function assertEnv(fn: string, env: unknown): void {
  if (env === undefined) return;
  if (env === null || typeof env !== 'object' || Array.isArray(env) || ArrayBuffer.isView(env)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: env must be an object of environment variables (e.g. process.env or {}), got ${describeValue(env)}.`,
      { option: 'options.env' },
    );
  }
  const value = (env as Record<string, unknown>).PIXSIM_BACKEND;
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: env.PIXSIM_BACKEND must be a string such as 'wasm', got ${describeValue(value)}.`,
      { option: 'options.env.PIXSIM_BACKEND' },
    );
  }
}
