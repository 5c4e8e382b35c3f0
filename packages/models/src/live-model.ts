import { describeValue, modelFault } from '@pixsim/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidOptionError, PACKAGE } from './errors';

/** Throws {@link InvalidOptionError} unless `model` is a `tf.LayersModel` that has not been disposed. */
export function assertLiveModel(fn: string, model: unknown): asserts model is tfl.LayersModel {
  const fault = modelFault(model);
  if (fault === 'not-a-model') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: model must be a tf.LayersModel (e.g. from resnet18()), got ${describeValue(model)}.`,
    );
  }
  if (fault === 'disposed') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: model '${(model as tfl.LayersModel).name}' was disposed; build or load it again.`,
    );
  }
}
