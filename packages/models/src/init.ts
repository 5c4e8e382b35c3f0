import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidOptionError, UnsupportedModelError } from './errors';
import { assertLiveModel } from './live-model';
import { hashString, mixSeeds, uniformArray } from './prng';

/** Largest seed accepted (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 0xffffffff;

/** Throws {@link InvalidOptionError} unless `seed` is an integer in `[0, 2³² − 1]`. */
export function validateSeed(fn: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidOptionError(
      `${fn}: seed must be an integer in [0, ${MAX_SEED}], got ${typeof seed === 'number' ? seed : typeof seed}. Pass e.g. { seed: 0 }.`,
    );
  }
  return seed;
}

/**
 * Re-initialises every weight of `model` the way PyTorch initialises a freshly constructed network
 * (the reference implementation is PyTorch), drawing from a seeded generator of our own:
 *
 * - `Conv2D` and `Dense` kernels: kaiming-uniform with `a = √5`, i.e. `U(−b, b)` with
 *   `b = gain·√(3 / fan_in)`, `gain = √(2 / (1 + a²))`, which simplifies to `b = 1/√fan_in`;
 *   `fan_in = kh·kw·C_in` for a convolution and `D_in` for a dense layer.
 * - `Conv2D` and `Dense` biases (when present): `U(−1/√fan_in, 1/√fan_in)`.
 * - `BatchNormalization`: `γ = 1`, `β = 0`, moving mean 0, moving variance 1.
 *
 * Every weight gets its own stream, derived from `seed` and the layer and weight name, so the values
 * of a layer do not depend on the layers before it. The distribution matches PyTorch; the numbers do
 * not (PyTorch's generator is not reproduced). Deterministic: same seed and names ⇒ same weights.
 *
 * @param model - a model made only of weight-free layers, `Conv2D`, `Dense` and `BatchNormalization`.
 * @param seed - integer in `[0, 2³² − 1]`.
 * @throws {@link UnsupportedModelError} for any other layer holding weights.
 */
export function initializeLikePyTorch(model: tfl.LayersModel, seed: number): void {
  const fn = 'initializeLikePyTorch';
  assertLiveModel(fn, model);
  validateSeed(fn, seed);
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const kind = layer.getClassName();
    const values: tf.Tensor[] = [];
    try {
      if (kind === 'Conv2D' || kind === 'Dense') {
        const kernelShape = weights[0].shape as number[];
        const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
        const bound = 1 / Math.sqrt(fanIn);
        for (const w of weights) {
          const shape = w.shape as number[];
          const size = shape.reduce((a, b) => a * b, 1);
          const stream = mixSeeds(seed, hashString(`${layer.name}/${w.originalName}`));
          values.push(tf.tensor(uniformArray(size, bound, stream), shape, 'float32'));
        }
      } else if (kind === 'BatchNormalization') {
        for (const w of weights) {
          const name = w.originalName.split('/').pop() ?? '';
          const one = name === 'gamma' || name === 'moving_variance';
          const shape = w.shape as number[];
          values.push(one ? tf.ones(shape) : tf.zeros(shape));
        }
      } else {
        throw new UnsupportedModelError(
          `${fn}: layer '${layer.name}' is a ${kind}, which has no PyTorch-default rule here (only Conv2D, ` +
            'Dense and BatchNormalization are supported). Initialise it yourself with layer.setWeights().',
        );
      }
      layer.setWeights(values);
    } finally {
      for (const v of values) v.dispose();
    }
  }
}
