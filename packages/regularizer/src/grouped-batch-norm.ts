import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Layers whose output for one image depends on that image alone (in training mode too), by tfjs-layers
 * class name. `Dropout`-like layers are included: they draw one mask for the whole batch instead of one
 * per pass, which is the same distribution.
 */
const PER_IMAGE_LAYERS = new Set([
  'InputLayer',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Dropout',
  'SpatialDropout1D',
  'AlphaDropout',
  'GaussianDropout',
  'GaussianNoise',
  'LayerNormalization',
]);

/** The parts of a tfjs-layers `BatchNormalization` layer the grouped pass reads and writes. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

/**
 * The batch-norm layers of `model` when a pass over G stacked groups of images can reproduce G separate
 * passes exactly — every layer is per-image ({@link PER_IMAGE_LAYERS}, nested models included) or a
 * `BatchNormalization` over the last axis — else `null` (then the caller makes G passes).
 */
export function groupableBatchNorms(model: tfl.LayersModel): BatchNormLayer[] | null {
  const found: BatchNormLayer[] = [];
  const visit = (layers: readonly tfl.layers.Layer[]): boolean => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
      if (Array.isArray(nested)) {
        if (!visit(nested)) return false;
        continue;
      }
      const kind = layer.getClassName();
      if (kind === 'BatchNormalization') {
        const bn = layer as unknown as BatchNormLayer;
        if (bn.axis !== -1 || bn.movingMean == null || bn.movingVariance == null) return false;
        found.push(bn);
      } else if (!PER_IMAGE_LAYERS.has(kind)) {
        return false;
      }
    }
    return true;
  };
  return visit(model.layers) ? found : null;
}

/**
 * Runs `f` with each of `layers` normalising, in training mode, the G = `groups` consecutive equal parts
 * of its batch by their own statistics, and updating its moving mean and variance once per part in
 * order — what G separate training-mode passes do — in one pass (one set of per-op costs). Inference
 * calls are untouched. The layers are restored when `f` returns or throws.
 */
export function withGroupedBatchNorm<T>(layers: readonly BatchNormLayer[], groups: number, f: () => T): T {
  const patched = layers.map((layer) => {
    const own = Object.hasOwn(layer, 'call') ? layer.call : undefined;
    const original = layer.call;
    layer.call = (inputs, kwargs) =>
      kwargs?.training === true
        ? groupedBatchNorm(layer, Array.isArray(inputs) ? inputs[0] : inputs, groups)
        : original.call(layer, inputs, kwargs);
    return { layer, own };
  });
  try {
    return f();
  } finally {
    for (const { layer, own } of patched) {
      if (own) layer.call = own;
      else delete (layer as Partial<BatchNormLayer>).call;
    }
  }
}

/**
 * Training-mode batch norm of `x` (`[G·k, …, C]`) with per-group statistics: each group of k images is
 * normalised by its own mean and (biased) variance over batch and space with the fused `batchNorm` op —
 * the same operations tfjs-layers runs in a pass of its own — and the moving statistics are updated once
 * per group, in order.
 */
function groupedBatchNorm(layer: BatchNormLayer, x: tf.Tensor, groups: number): tf.Tensor {
  return tf.tidy(() => {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const beta = layer.beta?.read();
    const gamma = layer.gamma?.read();
    const parts = tf.split(x, groups, 0).map((part) => {
      const { mean, variance } = tf.moments(part, axes);
      updateMovingStatistics(layer, mean, variance);
      return tf.batchNorm(part, mean, variance, beta, gamma, layer.epsilon);
    });
    return tf.concat(parts, 0);
  });
}

/** `m ← m − (m − batch value)·(1 − momentum)` for the moving mean and variance (tfjs-layers' update). */
function updateMovingStatistics(layer: BatchNormLayer, mean: tf.Tensor, variance: tf.Tensor): void {
  const decay = 1 - layer.momentum;
  for (const [variable, value] of [
    [layer.movingMean, mean],
    [layer.movingVariance, variance],
  ] as const) {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), decay)));
  }
}
