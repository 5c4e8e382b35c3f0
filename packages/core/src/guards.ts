import type * as tf from '@tensorflow/tfjs-core';

/**
 * The argument checks every package makes. They test and describe; the package throws its own error with
 * its own message, so each message can name the fix that fits the call.
 */

/** A tf.Tensor, checked structurally so that tensors of another copy of tfjs-core pass too. */
export function isTensor(x: unknown): x is tf.Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as tf.Tensor).shape) &&
    typeof (x as tf.Tensor).rank === 'number' &&
    typeof (x as tf.Tensor).dataSync === 'function'
  );
}

/** True for `{ … }` literals (and `Object.create(null)`), false for arrays, tensors, typed arrays, class instances. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for an object that can hold options: any object but `null` and arrays. */
export function isOptionsObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** True for an array or a typed array (not a `DataView`): what a list of numbers or indices may be. */
export function isNumberList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * A short, never-throwing description of any value for error messages (a disposed tensor cannot be
 * printed with `${x}`): numbers, booleans, null and undefined as themselves, a string quoted (its first
 * 40 characters), anything else by its kind — `a tensor of shape [2, 3]`, `an array of length 4`,
 * `a Float32Array`, `a function`, `an object`, `a Promise object`.
 */
export function describeValue(x: unknown): string {
  if (isTensor(x)) return `a tensor of shape [${x.shape.join(', ')}]${x.isDisposed ? ' (disposed)' : ''}`;
  if (typeof x === 'string') return `'${x.slice(0, 40)}'`;
  if (typeof x === 'function') return 'a function';
  if (x === null || typeof x !== 'object') return String(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (isPlainObject(x)) return 'an object';
  const name = (x as object).constructor?.name;
  return name ? `a ${name} object` : 'an object';
}

/** What is wrong with a value passed as a `tf.LayersModel`, if anything: see {@link modelFault}. */
export type ModelFault = 'not-a-model' | 'disposed';

/**
 * Why `model` cannot be used as a live `tf.LayersModel`: `'not-a-model'` unless it has the model's
 * `apply`, `inputs`, `outputs` and `layers` (checked structurally, so models of another copy of
 * tfjs-layers pass), `'disposed'` when it or one of its weights was disposed; `undefined` when it is fine.
 */
export function modelFault(model: unknown): ModelFault | undefined {
  const m = model as Partial<LayersModelLike> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.apply !== 'function' ||
    !Array.isArray(m.inputs) ||
    !Array.isArray(m.outputs) ||
    !Array.isArray(m.layers)
  ) {
    return 'not-a-model';
  }
  if ((m as { _refCount?: number | null })._refCount === 0) return 'disposed';
  try {
    return (m.weights ?? []).some((w) => w.read().isDisposed) ? 'disposed' : undefined;
  } catch {
    return 'disposed';
  }
}

/** The part of a `tf.LayersModel` {@link modelFault} looks at (core does not depend on tfjs-layers). */
interface LayersModelLike {
  apply: unknown;
  inputs: unknown[];
  outputs: unknown[];
  layers: unknown[];
  weights: { read(): { isDisposed: boolean } }[];
}
