import * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidOptionError } from './errors';
import { initializeLikePyTorch, validateSeed } from './init';

/** Which stem the network has. */
export type ResNetVariant = 'cifar' | 'imagenet';

/** The variants {@link resnet18} and {@link resnet34} accept. */
export const RESNET_VARIANTS: readonly ResNetVariant[] = ['cifar', 'imagenet'];

/**
 * Stable names of the feature taps: the stem output (conv-BN-ReLU) and the output of each of the four
 * residual stages (after the last block's ReLU, before pooling). These are layer names of every model
 * built here, so `model.getLayer('stage3')` works, and {@link featureModel} returns them in this order.
 */
export const RESNET_TAPS = ['stem', 'stage1', 'stage2', 'stage3', 'stage4'] as const;

/** One of {@link RESNET_TAPS}. */
export type ResNetTap = (typeof RESNET_TAPS)[number];

/** Name of the dense output layer (logits, no softmax). */
export const LOGITS_LAYER = 'logits';

/** Basic blocks per stage of ResNet18. */
export const RESNET18_BLOCKS: readonly number[] = [2, 2, 2, 2];
/** Basic blocks per stage of ResNet34. */
export const RESNET34_BLOCKS: readonly number[] = [3, 4, 6, 3];
/** Stride of the first block of each stage. */
export const RESNET_STAGE_STRIDES: readonly number[] = [1, 2, 2, 2];
/** Channel multiplier of each stage: stage `s` has `w · RESNET_STAGE_WIDTHS[s]` channels. */
export const RESNET_STAGE_WIDTHS: readonly number[] = [1, 2, 4, 8];

/** Options of {@link resnet18} and {@link resnet34}. */
export interface ResNetOptions {
  /**
   * `[H, W, C]` of one input image: `C = 1` for grey (the paper's default) or `3` for RGB. Any positive
   * H×W works (28×28 MNIST, 32×32 CIFAR, 36×64 ImageNet regularization images).
   */
  inputShape: readonly [number, number, number];
  /** Number of classes (size of the logits). */
  classes: number;
  /** Base width `w`: the stages have `w·[1, 2, 4, 8]` channels. Default 64 (the paper); 8/16/32 for CPU runs. */
  width?: number;
  /**
   * `'cifar'` (default): the paper's stem, Conv 7×7 stride 1 padding 3, no max-pool.
   * `'imagenet'`: the standard stem, Conv 7×7 stride 2 padding 3, then max-pool 3×3 stride 2 padding 1.
   */
  variant?: ResNetVariant;
  /** Seed of the PyTorch-default initialisation (see {@link initializeLikePyTorch}). Default 0. */
  seed?: number;
  /** Model name. Default `'resnet18'` / `'resnet34'`. */
  name?: string;
}

/** Options after validation, every field present. */
interface ResolvedOptions {
  inputShape: [number, number, number];
  classes: number;
  width: number;
  variant: ResNetVariant;
  seed: number;
  name: string;
}

function isPositiveInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1;
}

function resolveOptions(fn: string, options: ResNetOptions, defaultName: string): ResolvedOptions {
  if (options == null || typeof options !== 'object') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options are required, got ${String(options)}. Pass e.g. { inputShape: [32, 32, 1], classes: 10 }.`,
    );
  }
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isPositiveInteger)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: inputShape must be [H, W, C] of positive integers (one image, no batch axis), got ` +
        `${JSON.stringify(shape)}. Use e.g. [28, 28, 1] for MNIST or [32, 32, 3] for RGB CIFAR.`,
    );
  }
  if (!isPositiveInteger(options.classes)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: classes must be a positive integer, got ${String(options.classes)}. Use e.g. 10 for MNIST/CIFAR-10.`,
    );
  }
  const width = options.width ?? 64;
  if (!isPositiveInteger(width)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: width must be a positive integer, got ${String(width)}. Use 64 (the paper) or 8/16/32 on CPU.`,
    );
  }
  const variant = options.variant ?? 'cifar';
  if (!RESNET_VARIANTS.includes(variant)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: unknown variant '${String(variant)}'. Use one of ${RESNET_VARIANTS.map((v) => `'${v}'`).join(', ')}.`,
    );
  }
  const seed = validateSeed(fn, options.seed ?? 0);
  const name = options.name ?? defaultName;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError(PACKAGE, `${fn}: name must be a non-empty string, got ${String(name)}.`);
  }
  return { inputShape: [shape[0], shape[1], shape[2]], classes: options.classes, width, variant, seed, name };
}

/** Batch normalisation with PyTorch's defaults: momentum 0.1 there is 0.9 here (Keras convention), ε = 1e-5. */
function batchNorm(name: string): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, name });
}

/**
 * A `k×k` convolution without bias that matches PyTorch's `Conv2d(k, stride, padding=⌊k/2⌋)`. At
 * stride 1 that is tf `'same'`. At stride 2 tf `'same'` pads asymmetrically (nothing on top/left for
 * even inputs), whereas PyTorch pads `⌊k/2⌋` on every side; so stride-2 convolutions get an explicit
 * symmetric `zeroPadding2d` followed by a `'valid'` convolution. 1×1 convolutions have no padding.
 */
function conv(x: tfl.SymbolicTensor, filters: number, kernel: number, stride: number, name: string) {
  const pad = Math.floor(kernel / 2);
  let input = x;
  let padding: 'same' | 'valid' = 'same';
  if (stride !== 1 || pad === 0) {
    padding = 'valid';
    if (pad > 0) {
      input = tfl.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }).apply(x) as tfl.SymbolicTensor;
    }
  }
  return tfl.layers
    .conv2d({
      filters,
      kernelSize: kernel,
      strides: stride,
      padding,
      useBias: false,
      kernelInitializer: 'zeros',
      name,
    })
    .apply(input) as tfl.SymbolicTensor;
}

function relu(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers.activation({ activation: 'relu', name }).apply(x) as tfl.SymbolicTensor;
}

/**
 * The basic block: conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the shortcut (identity, or
 * conv1×1(stride) → BN when the stride or the width changes), then ReLU.
 */
function basicBlock(
  x: tfl.SymbolicTensor,
  filters: number,
  stride: number,
  prefix: string,
  outputName: string,
): tfl.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = conv(x, filters, 3, stride, `${prefix}_conv1`);
  y = batchNorm(`${prefix}_bn1`).apply(y) as tfl.SymbolicTensor;
  y = relu(y, `${prefix}_relu1`);
  y = conv(y, filters, 3, 1, `${prefix}_conv2`);
  y = batchNorm(`${prefix}_bn2`).apply(y) as tfl.SymbolicTensor;
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = conv(x, filters, 1, stride, `${prefix}_shortcut_conv`);
    shortcut = batchNorm(`${prefix}_shortcut_bn`).apply(shortcut) as tfl.SymbolicTensor;
  }
  const sum = tfl.layers.add({ name: `${prefix}_add` }).apply([y, shortcut]) as tfl.SymbolicTensor;
  return relu(sum, outputName);
}

function buildResNet(fn: string, blocks: readonly number[], options: ResNetOptions, defaultName: string) {
  const o = resolveOptions(fn, options, defaultName);
  const input = tfl.input({ shape: o.inputShape, name: 'input' });
  let x: tfl.SymbolicTensor;
  if (o.variant === 'cifar') {
    x = conv(input, o.width, 7, 1, 'stem_conv');
  } else {
    x = conv(input, o.width, 7, 2, 'stem_conv');
  }
  x = batchNorm('stem_bn').apply(x) as tfl.SymbolicTensor;
  x = relu(x, 'stem');
  if (o.variant === 'imagenet') {
    // PyTorch pads max-pooling with −∞; after the ReLU every value is ≥ 0, so zero padding selects the
    // same maxima (each 3×3 window holds at least one real value).
    x = tfl.layers.zeroPadding2d({ padding: 1, name: 'stem_pool_pad' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'stem_pool' })
      .apply(x) as tfl.SymbolicTensor;
  }
  for (let s = 0; s < blocks.length; s++) {
    const filters = o.width * RESNET_STAGE_WIDTHS[s];
    for (let b = 0; b < blocks[s]; b++) {
      const stride = b === 0 ? RESNET_STAGE_STRIDES[s] : 1;
      const prefix = `stage${s + 1}_block${b + 1}`;
      const outputName = b === blocks[s] - 1 ? `stage${s + 1}` : prefix;
      x = basicBlock(x, filters, stride, prefix, outputName);
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ units: o.classes, kernelInitializer: 'zeros', biasInitializer: 'zeros', name: LOGITS_LAYER })
    .apply(x) as tfl.SymbolicTensor;
  const graph = tfl.model({ inputs: input, outputs: logits, name: o.name });
  // Re-create the model from its own config so that its variables are created (and registered with the
  // engine) in `model.layers` order, exactly as `tfl.loadLayersModel` re-creates a saved one. tf
  // optimizers match their slots (momenta, Adam moments) to variables by position in that order, so
  // this keeps optimizer state from a checkpoint aligned whether the model is rebuilt or built anew.
  let model: tfl.LayersModel;
  try {
    model = tfl.LayersModel.fromConfig(tfl.LayersModel, graph.getConfig()) as tfl.LayersModel;
  } finally {
    graph.dispose();
  }
  initializeLikePyTorch(model, o.seed);
  return model;
}

/**
 * The paper's ResNet18 as a `tf.LayersModel` mapping `[N, H, W, C]` images to `[N, classes]` logits
 * (no softmax).
 *
 * `'cifar'` variant (default, the reference's CIFAR/MNIST network): stem Conv 7×7 stride 1 padding 3
 * (no bias) + BN + ReLU, no max-pool; four stages of [2, 2, 2, 2] basic blocks with strides
 * [1, 2, 2, 2] and `w·[1, 2, 4, 8]` channels; global average pooling; dense to the classes. For a
 * 32×32 input the stage outputs are 32², 16², 8², 4², so the global pool equals the reference's
 * `avg_pool(4)`. `'imagenet'` variant: stem Conv 7×7 stride 2 padding 3 + BN + ReLU + max-pool 3×3
 * stride 2 padding 1 (torchvision's `resnet18` when RGB, 1000 classes, w = 64).
 *
 * Weights follow PyTorch's default initialisation from `seed` ({@link initializeLikePyTorch}); BN uses
 * PyTorch's momentum 0.1 (Keras `momentum: 0.9`) and ε = 1e-5. Padding matches PyTorch exactly (see the
 * package README). Layer names are stable: {@link RESNET_TAPS} name the feature taps, `'logits'` the
 * output layer.
 *
 * Parameter count of `{ inputShape: [32, 32, 1], classes: 10 }` (w = 64): 11,175,370 trainable (equal
 * to the PyTorch reference) + 9,600 BN running statistics.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { resnet18 } from '@pixsim/models';
 *
 * const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width: 16, seed: 1 });
 * const images = tf.zeros([4, 28, 28, 1]); // your images, scaled as the model is trained
 * const logits = model.predict(images) as tf.Tensor2D; // [4, 10], no softmax
 * ```
 * @throws {@link InvalidOptionError} for a bad shape, class count, width, variant or seed.
 */
export function resnet18(options: ResNetOptions): tfl.LayersModel {
  return buildResNet('resnet18', RESNET18_BLOCKS, options, 'resnet18');
}

/**
 * ResNet34: as {@link resnet18} with [3, 4, 6, 3] basic blocks per stage.
 *
 * Parameter count of `{ inputShape: [32, 32, 1], classes: 10 }` (w = 64): 21,283,530 trainable +
 * 17,024 BN running statistics; RGB ImageNet variant with 1000 classes: 21,797,672 (torchvision's
 * `resnet34`).
 *
 * @throws {@link InvalidOptionError} for a bad shape, class count, width, variant or seed.
 */
export function resnet34(options: ResNetOptions): tfl.LayersModel {
  return buildResNet('resnet34', RESNET34_BLOCKS, options, 'resnet34');
}
