import { InvalidMetadataError } from './errors';

/**
 * Throws {@link InvalidMetadataError} unless `value` survives `JSON.stringify` → `JSON.parse`
 * unchanged: `null`, booleans, finite numbers, strings, arrays and plain objects of those. NaN,
 * ±Infinity (which JSON would turn into `null`), `undefined` (dropped), functions, symbols, bigints,
 * class instances (e.g. a `tf.Tensor`, a `Date`) and cycles are rejected, naming the offending path.
 */
export function assertJsonSafe(
  fn: string,
  value: unknown,
  path = 'metadata',
  seen = new Set<object>(),
): void {
  const fail = (what: string, fix: string): never => {
    throw new InvalidMetadataError(`${fn}: ${path} is ${what}, which JSON cannot store exactly. ${fix}`);
  };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(String(value), 'Store it as a string or null yourself.');
    return;
  }
  if (typeof value !== 'object') {
    fail(typeof value, 'Use null, booleans, finite numbers, strings, arrays or plain objects.');
  }
  const obj = value as object;
  if (seen.has(obj)) fail('a circular reference', 'Store a copy without cycles.');
  const proto = Object.getPrototypeOf(obj);
  if (!Array.isArray(obj) && proto !== Object.prototype && proto !== null) {
    fail(
      `an instance of ${proto?.constructor?.name ?? 'a class'}`,
      'Convert it to plain data (tensors go in CheckpointContents.tensors, dates as ISO strings).',
    );
  }
  seen.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) assertJsonSafe(fn, obj[i], `${path}[${i}]`, seen);
  } else {
    for (const [key, v] of Object.entries(obj)) assertJsonSafe(fn, v, `${path}.${key}`, seen);
  }
  seen.delete(obj);
}
