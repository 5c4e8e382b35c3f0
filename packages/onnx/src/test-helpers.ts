import { cifar10, mnist } from '@pixsim/datasets';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The first `n` CIFAR-10 test images of the binary batches in `dir`, `[n, 32, 32, 3]` in `[0, 1]`, and their labels. */
export async function cifarTest(
  dir: string,
  n: number,
): Promise<{ images: tf.Tensor4D; labels: Int32Array }> {
  const { test } = await cifar10(dir);
  const indices = Array.from({ length: n }, (_, i) => i);
  return { images: test.toTensor(indices, { scale: 'unit' }), labels: test.labels.slice(0, n) };
}

/** The first `n` MNIST test images, `[n, 28, 28, 1]` in `[0, 1]`. */
export async function mnistTest(n: number): Promise<tf.Tensor4D> {
  const { test } = await mnist();
  return test.toTensor(Array.from({ length: n }, (_, i) => i));
}

/**
 * Gives every batch norm of `model` seeded non-trivial parameters and moving statistics (as after training),
 * so that folding them into the convolutions is really exercised.
 */
export function randomizeBatchNorms(model: tfl.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = tf.tidy(() =>
      layer.getWeights().map((w, i, all) =>
        // The last weight is the moving variance: keep it positive.
        i === all.length - 1
          ? tf.randomUniform(w.shape, 0.3, 3, 'float32', s++)
          : tf.randomNormal(w.shape, 0, 0.5, 'float32', s++),
      ),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** A typical user CNN: conv/BN/pool blocks, a depthwise convolution, flatten, dropout, two dense layers. */
export function userCnn(inputShape: [number, number, number]): tfl.Sequential {
  const init = (seed: number) => tfl.initializers.heNormal({ seed });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape,
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 16,
        kernelSize: 5,
        strides: 2,
        padding: 'same',
        kernelInitializer: init(2),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        depthwiseInitializer: init(3),
      }),
      tfl.layers.leakyReLU({ alpha: 0.1 }),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(4) }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(5) }),
    ],
  });
}

/** Largest absolute difference of two equally shaped tensors. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}
