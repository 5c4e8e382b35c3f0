import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mulberry32 } from '@pixsim/core';

/**
 * A ResNet18-style network for 32×32 inputs (CIFAR layout: 3×3 stem, four stages of two basic blocks with
 * widths `w, 2w, 4w, 8w`, strides 1, 2, 2, 2, global average pooling, dense classifier). Used by the
 * parity tests and the benchmark only; `@pixsim/models` owns the real model zoo. The stem's and each
 * stage's last activations are named `stem`, `stage1`, … (the regularizer's taps).
 */
export function resnet18(options: {
  width: number;
  inputSize?: number;
  classes?: number;
  blocks?: number[];
  seed?: number;
  /**
   * Pad with explicit `zeroPadding2d` layers before `valid` convolutions, as `@pixsim/models` does
   * (PyTorch's `padding = k // 2`), instead of `same` convolutions.
   */
  explicitPadding?: boolean;
}): tfl.LayersModel {
  const { width, inputSize = 32, classes = 10, blocks = [2, 2, 2, 2], explicitPadding = false } = options;
  let seed = options.seed ?? 1;
  const init = () => tfl.initializers.heNormal({ seed: seed++ });
  const conv = (x: tfl.SymbolicTensor, filters: number, kernel: number, stride: number) => {
    const pad = Math.floor(kernel / 2);
    const input =
      explicitPadding && pad > 0
        ? (tfl.layers.zeroPadding2d({ padding: [pad, pad] }).apply(x) as tfl.SymbolicTensor)
        : x;
    return tfl.layers
      .conv2d({
        filters,
        kernelSize: kernel,
        strides: stride,
        padding: explicitPadding ? 'valid' : 'same',
        useBias: false,
        kernelInitializer: init(),
      })
      .apply(input) as tfl.SymbolicTensor;
  };
  const bn = (x: tfl.SymbolicTensor) =>
    tfl.layers.batchNormalization({ axis: -1 }).apply(x) as tfl.SymbolicTensor;
  const relu = (x: tfl.SymbolicTensor, name?: string) =>
    tfl.layers.activation({ activation: 'relu', name }).apply(x) as tfl.SymbolicTensor;

  const input = tfl.input({ shape: [inputSize, inputSize, 3] });
  let x = relu(bn(conv(input, width, 3, 1)), 'stem');
  let channels = width;
  blocks.forEach((count, stage) => {
    const filters = width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      let y = relu(bn(conv(x, filters, 3, stride)));
      y = bn(conv(y, filters, 3, 1));
      const shortcut = stride !== 1 || channels !== filters ? bn(conv(x, filters, 1, stride)) : x;
      const last = b === count - 1 ? `stage${stage + 1}` : undefined;
      x = relu(tfl.layers.add().apply([y, shortcut]) as tfl.SymbolicTensor, last);
      channels = filters;
    }
  });
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ units: classes, kernelInitializer: init() })
    .apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}

/** A seeded random batch: images uniform in [0, 1) and one-hot labels. */
export function randomBatch(
  batch: number,
  size: number,
  classes: number,
  seed: number,
): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rand = mulberry32(seed);
  const pixels = new Float32Array(batch * size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rand();
  const labels = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) labels[i * classes + Math.floor(rand() * classes)] = 1;
  return { x: tf.tensor4d(pixels, [batch, size, size, 3]), y: tf.tensor2d(labels, [batch, classes]) };
}

/** One SGD step: forward in training mode, softmax cross-entropy, gradients, update. Returns the loss. */
export function trainStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
): number {
  const loss = optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    true,
  );
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}
