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
 * normalised by its own mean and (biased) variance over batch and space — what G separate passes of the
 * tfjs-layers layer compute — and the moving statistics are updated once per group, in order.
 *
 * It is one differentiable op with a hand-written gradient (`tf.customGrad`): the G groups cost about
 * as many taped ops as one ordinary batch-norm layer, where composing split, moments, `batchNorm` and
 * concat made the three-pass step ~20 % slower than the joint pass (`bench/run.ts`).
 */
function groupedBatchNorm(layer: BatchNormLayer, x: tf.Tensor, groups: number): tf.Tensor {
  const gamma = layer.gamma?.read();
  const beta = layer.beta?.read();
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const forward = groupedForward(layer, args[0] as tf.Tensor, groups, gamma, beta);
    save([forward.variances, ...forward.centred]);
    return {
      value: forward.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        groupedGradient(dy, saved.slice(1), saved[0], gamma, beta, layer.epsilon),
    };
  });
  return op(...inputs) as tf.Tensor;
}

/**
 * Per group: statistics (as `tf.moments`) and the fused `batchNorm`; then the moving updates of all
 * groups at once. Returns the output, the centred parts `x − μ` and the variances stacked `[G, C]`.
 */
function groupedForward(
  layer: BatchNormLayer,
  x: tf.Tensor,
  groups: number,
  gamma: tf.Tensor | undefined,
  beta: tf.Tensor | undefined,
): { value: tf.Tensor; centred: tf.Tensor[]; variances: tf.Tensor } {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const centred: tf.Tensor[] = [];
  const means: tf.Tensor[] = [];
  const variances: tf.Tensor[] = [];
  const outputs = tf.split(x, groups, 0).map((part) => {
    const mean = tf.mean(part, axes, true);
    const xc = tf.sub(part, mean);
    const variance = tf.mean(tf.square(xc), axes);
    const channelMean = tf.reshape(mean, variance.shape);
    centred.push(xc);
    means.push(channelMean);
    variances.push(variance);
    return tf.batchNorm(part, channelMean, variance, beta, gamma, layer.epsilon);
  });
  updateMovingStatistics(layer, means, variances);
  return { value: tf.concat(outputs, 0), centred, variances: tf.stack(variances) };
}

/**
 * The batch-norm gradient per group of M values per channel, with `r = 1/√(σ² + ε)`, `g = γ·r` and the
 * sums `Σ∂y`, `Σ∂y·(x − μ)` over batch and space: `∂L/∂x = g·∂L/∂y − (g/M)·Σ∂y − (g·r²/M)·Σ∂y(x − μ)·(x − μ)`
 * (the statistics' own dependence on x included), `∂L/∂γ = Σ_groups r·Σ∂y(x − μ)`, `∂L/∂β = Σ_groups Σ∂y`.
 * The per-channel algebra runs on `[G, C]` stacks, once for all groups.
 */
function groupedGradient(
  dy: tf.Tensor,
  centred: tf.Tensor[],
  variances: tf.Tensor,
  gamma: tf.Tensor | undefined,
  beta: tf.Tensor | undefined,
  epsilon: number,
): tf.Tensor[] {
  const axes = Array.from({ length: dy.rank - 1 }, (_, i) => i);
  const perChannel = dy.size / centred.length / dy.shape[dy.rank - 1];
  const dyParts = tf.split(dy, centred.length, 0);
  const sumDy = tf.stack(dyParts.map((part) => tf.sum(part, axes)));
  const sumDyXc = tf.stack(dyParts.map((part, i) => tf.sum(tf.mul(part, centred[i]), axes)));
  const r = tf.rsqrt(tf.add(variances, epsilon));
  const g = gamma ? tf.mul(r, gamma) : r;
  const c = tf.mul(g, -1 / perChannel);
  const meanTerms = tf.unstack(tf.mul(c, sumDy));
  const varianceTerms = tf.unstack(tf.mul(tf.mul(c, tf.square(r)), sumDyXc));
  const scales = tf.unstack(g);
  const dx = dyParts.map((part, i) =>
    tf.add(tf.add(tf.mul(part, scales[i]), meanTerms[i]), tf.mul(centred[i], varianceTerms[i])),
  );
  return [
    tf.concat(dx, 0),
    ...(gamma ? [tf.sum(tf.mul(r, sumDyXc), 0)] : []),
    ...(beta ? [tf.sum(sumDy, 0)] : []),
  ];
}

/**
 * The moving mean and variance after one tfjs-layers update per group, in order
 * (`m ← m − (m − value)·(1 − momentum)`), in closed form: `m·momentum^G + Σ_g value_g·(1 − momentum)·momentum^(G−1−g)`.
 */
function updateMovingStatistics(layer: BatchNormLayer, means: tf.Tensor[], variances: tf.Tensor[]): void {
  const momentum = layer.momentum;
  const groups = means.length;
  for (const [variable, values] of [
    [layer.movingMean, means],
    [layer.movingVariance, variances],
  ] as const) {
    const terms = values.map((v, g) => tf.mul(v, (1 - momentum) * momentum ** (groups - 1 - g)));
    variable.write(tf.addN([tf.mul(variable.read(), momentum ** groups), ...terms]));
  }
}
