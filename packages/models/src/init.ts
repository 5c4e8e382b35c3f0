import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidOptionError, UnsupportedModelError } from './errors';
import { assertLiveModel } from './live-model';
import { combineSeeds, hashString, mulberry32 } from '@pixsim/core';

/** Fills a new `Float32Array` of `size` values uniform in `[-bound, bound)` from the mulberry32 stream `seed`. */
export function uniformArray(size: number, bound: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * next() - 1) * bound;
  return out;
}

/** Largest seed accepted (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 0xffffffff;

/** Throws {@link InvalidOptionError} unless `seed` is an integer in `[0, 2³² − 1]`. */
export function validateSeed(fn: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: seed must be an integer in [0, ${MAX_SEED}], got ${typeof seed === 'number' ? seed : typeof seed}. Pass e.g. { seed: 0 }.`,
    );
  }
  return seed;
}

/** Layers whose weights are all kernels or biases, initialised by PyTorch's kaiming-uniform rule. */
const KERNEL_LAYERS = new Set([
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Dense',
  'DepthwiseConv2D',
  'SeparableConv2D',
]);
/** Normalisation layers: scale 1, shift 0 (and moving mean 0, moving variance 1), as in PyTorch. */
const NORM_LAYERS = new Set(['BatchNormalization', 'LayerNormalization']);

/** The weight's own name within its layer: `kernel`, `bias`, `depthwise_kernel`, `gamma`, … */
function shortName(w: tfl.LayerVariable): string {
  return w.originalName.split('/').pop() ?? '';
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * PyTorch's fan_in of a kernel layer's weights. A tfjs kernel is `[…receptive field, C_in, C_out]` (a
 * transposed convolution's `[kh, kw, C_out, C_in]` matches PyTorch's own fan_in, `C_out·kh·kw`, the same way);
 * a depthwise kernel `[kh, kw, C_in, multiplier]` is PyTorch's grouped convolution with fan_in `kh·kw`; a
 * separable convolution's bias belongs to its pointwise part.
 */
function kernelFanIn(layer: tfl.layers.Layer): number {
  const byName = new Map(layer.weights.map((w) => [shortName(w), w.shape as number[]]));
  const pointwise = byName.get('pointwise_kernel');
  if (pointwise) return product(pointwise.slice(0, -1));
  const depthwise = byName.get('depthwise_kernel');
  if (depthwise) return product(depthwise.slice(0, -2));
  return product((layer.weights[0].shape as number[]).slice(0, -1));
}

/**
 * Re-initialises every weight of `model` the way PyTorch initialises a freshly constructed network
 * (the reference implementation is PyTorch), drawing from a seeded generator of our own. It is also the
 * one-call way to seed a model you built yourself: tfjs draws initial weights from an unseeded generator,
 * so without it two runs of the same program (or its ESM and CommonJS builds) start from different weights.
 *
 * - Kernels of `Conv1D`/`Conv2D`/`Conv3D`/`Conv2DTranspose`/`Dense`: kaiming-uniform with `a = √5`, i.e.
 *   `U(−b, b)` with `b = gain·√(3 / fan_in)`, `gain = √(2 / (1 + a²))`, which simplifies to
 *   `b = 1/√fan_in`; `fan_in = kh·kw·C_in` for a convolution and `D_in` for a dense layer.
 * - `DepthwiseConv2D` (PyTorch's grouped convolution): the same with `fan_in = kh·kw`; `SeparableConv2D`:
 *   its depthwise kernel so, its pointwise kernel and bias with `fan_in = C_in·multiplier`.
 * - Biases (when present): `U(−1/√fan_in, 1/√fan_in)` with the fan_in of their kernel.
 * - `BatchNormalization` and `LayerNormalization`: `γ = 1`, `β = 0`, moving mean 0, moving variance 1.
 *
 * Every weight gets its own stream, derived from `seed` and the layer and weight name, so the values
 * of a layer do not depend on the layers before it. The distribution matches PyTorch; the numbers do
 * not (PyTorch's generator is not reproduced). Deterministic: same seed and names ⇒ same weights (tfjs
 * numbers unnamed layers by a global counter, so name your layers, or build the model first in the program,
 * to get the same names every run). Every layer is checked before any weight changes.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { initializeLikePyTorch } from '@pixsim/models';
 *
 * const input = tfl.input({ shape: [28, 28, 1] });
 * const conv = tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input);
 * const flat = tfl.layers.flatten({}).apply(conv);
 * const logits = tfl.layers.dense({ units: 10, name: 'logits' }).apply(flat) as tfl.SymbolicTensor;
 * const model = tfl.model({ inputs: input, outputs: logits });
 * initializeLikePyTorch(model, 1); // the same weights on every run, engine and module format
 * ```
 * @param model - a model made only of weight-free layers and the layers listed above.
 * @param seed - integer in `[0, 2³² − 1]`.
 * @throws {@link UnsupportedModelError} for any other layer holding weights (before any weight changes).
 */
export function initializeLikePyTorch(model: tfl.LayersModel, seed: number): void {
  const fn = 'initializeLikePyTorch';
  assertLiveModel(fn, model);
  validateSeed(fn, seed);
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (layer.weights.length > 0 && !KERNEL_LAYERS.has(kind) && !NORM_LAYERS.has(kind)) {
      throw new UnsupportedModelError(
        PACKAGE,
        `${fn}: layer '${layer.name}' is a ${kind}, which has no PyTorch-default rule here (only ` +
          `${[...KERNEL_LAYERS, ...NORM_LAYERS].join(', ')} are supported). Initialise it yourself with ` +
          'layer.setWeights(), or leave it out of the model.',
      );
    }
  }
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values: tf.Tensor[] = [];
    try {
      if (KERNEL_LAYERS.has(layer.getClassName())) {
        const pointwiseFanIn = kernelFanIn(layer);
        for (const w of weights) {
          const shape = w.shape as number[];
          const name = shortName(w);
          const fanIn =
            name === 'depthwise_kernel'
              ? product(shape.slice(0, -2))
              : name === 'bias'
                ? pointwiseFanIn
                : product(shape.slice(0, -1));
          const stream = combineSeeds(seed, hashString(`${layer.name}/${w.originalName}`));
          values.push(
            tf.tensor(uniformArray(product(shape), 1 / Math.sqrt(fanIn), stream), shape, 'float32'),
          );
        }
      } else {
        for (const w of weights) {
          const name = shortName(w);
          const one = name === 'gamma' || name === 'moving_variance';
          const shape = w.shape as number[];
          values.push(one ? tf.ones(shape) : tf.zeros(shape));
        }
      }
      layer.setWeights(values);
    } finally {
      for (const v of values) v.dispose();
    }
  }
}
