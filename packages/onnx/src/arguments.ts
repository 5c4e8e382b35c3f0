import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidInputError, InvalidOptionError } from './errors';
import type { OnnxExport } from './export';

/** A short, never-throwing description of a value for messages (a disposed tensor cannot be printed). */
export function describe(x: unknown): string {
  if (x instanceof tf.Tensor)
    return `a ${x.dtype} tensor [${x.shape.join(', ')}]${x.isDisposed ? ' (disposed)' : ''}`;
  if (x === null) return 'null';
  if (typeof x === 'string') return `'${x.slice(0, 40)}'`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'plain'} object`;
  return String(x);
}

/**
 * Throws {@link InvalidOptionError} (option `model`) unless `model` is a live `tf.LayersModel`: an object
 * with `inputs`, `outputs` and `layers`, whose weights are not disposed.
 */
export function assertLiveModel(fn: string, model: unknown): asserts model is tfl.LayersModel {
  const m = model as Partial<tfl.LayersModel> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    !Array.isArray(m.inputs) ||
    !Array.isArray(m.outputs) ||
    !Array.isArray(m.layers)
  ) {
    throw new InvalidOptionError(
      'model',
      `${fn}: model must be a tf.LayersModel (tf.model or tf.sequential with an input shape), got ${describe(model)}.`,
    );
  }
  let disposed = (m as unknown as { _refCount: number | null })._refCount === 0;
  if (!disposed) {
    try {
      disposed = (m.weights ?? []).some((w) => w.read().isDisposed);
    } catch {
      disposed = true;
    }
  }
  if (disposed) {
    throw new InvalidOptionError(
      'model',
      `${fn}: the model was disposed; build or load it again before exporting.`,
    );
  }
}

/** True for an {@link OnnxExport} (the result of `toOnnx`): its bytes and the shapes it was exported with. */
export function isExport(x: unknown): x is OnnxExport {
  const e = x as Partial<OnnxExport> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.bytes instanceof Uint8Array &&
    Array.isArray(e.inputShape) &&
    Array.isArray(e.outputShape) &&
    typeof e.inputName === 'string' &&
    typeof e.outputName === 'string'
  );
}

/** Throws {@link InvalidOptionError} unless `options` is an object (or `undefined`, for the defaults). */
export function assertOptions(fn: string, options: unknown, example: string): void {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidOptionError(
      'options',
      `${fn}: options must be an object such as ${example}, got ${describe(options)}; leave it out for the defaults.`,
    );
  }
}

/** Throws {@link InvalidInputError} when `x` is a disposed tensor (its values can no longer be read). */
export function assertLiveInput(fn: string, expected: readonly (number | null)[], x: unknown): void {
  if (x instanceof tf.Tensor && x.isDisposed) {
    throw new InvalidInputError(
      expected,
      x.shape,
      `${fn}: the input tensor [${x.shape.join(', ')}] was disposed; keep it alive until predict returns.`,
    );
  }
}
