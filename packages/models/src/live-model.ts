import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidOptionError } from './errors';

/** Throws {@link InvalidOptionError} unless `model` is a `tf.LayersModel` that has not been disposed. */
export function assertLiveModel(fn: string, model: unknown): asserts model is tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidOptionError(
      `${fn}: model must be a tf.LayersModel (e.g. from resnet18()), got ${model === null ? 'null' : typeof model}.`,
    );
  }
  if ((model as unknown as { _refCount: number | null })._refCount === 0) {
    throw new InvalidOptionError(`${fn}: model '${model.name}' was disposed; build or load it again.`);
  }
}
