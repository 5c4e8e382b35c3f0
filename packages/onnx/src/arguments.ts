import { describeValue, isOptionsObject, modelFault } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidInputError, InvalidOptionError } from './errors';
import type { OnnxExport } from './export';

/**
 * Throws {@link InvalidOptionError} (option `model`) unless `model` is a live `tf.LayersModel`: an object
 * with `apply`, `inputs`, `outputs` and `layers`, whose weights are not disposed.
 */
export function assertLiveModel(fn: string, model: unknown): asserts model is tfl.LayersModel {
  const fault = modelFault(model);
  if (fault === 'not-a-model') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: model must be a tf.LayersModel (tf.model or tf.sequential with an input shape), got ${describeValue(model)}.`,
      { option: 'model' },
    );
  }
  if (fault === 'disposed') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: the model was disposed; build or load it again before exporting.`,
      { option: 'model' },
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
  if (options !== undefined && !isOptionsObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be an object such as ${example}, got ${describeValue(options)}; leave it out for the defaults.`,
      { option: 'options' },
    );
  }
}

/** Throws {@link InvalidInputError} when `x` is a disposed tensor (its values can no longer be read). */
export function assertLiveInput(fn: string, expected: readonly (number | null)[], x: unknown): void {
  if (x instanceof tf.Tensor && x.isDisposed) {
    throw new InvalidInputError(
      PACKAGE,
      `${fn}: the input tensor [${x.shape.join(', ')}] was disposed; keep it alive until predict returns.`,
      { expected, actual: x.shape },
    );
  }
}
