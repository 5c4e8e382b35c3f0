import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@pixsim/backend';
import { beforeAll, expect, it } from 'vitest';
import { describeWithData } from '../../../test-support/real-data';
import { fgsmAttack, type PerturbationAttack } from './attack-specs';
import { createClassifier, scaleShift } from './classifier';
import { deriveSeed, SeededRandom } from './random';
import { robustnessCurve } from './robustness-curve';

const RECORD = 3073;

/** Reads the first `count` records of an official CIFAR-10 binary batch as `[count, 32, 32, 3]` in [0, 1]. */
function readCifar(
  cifarDir: string,
  file: string,
  count: number,
): { images: tf.Tensor4D; labels: Int32Array } {
  const path = join(cifarDir, file);
  if (!existsSync(path)) {
    throw new Error(
      `CIFAR-10 binary batch not found at ${path}; the folder must hold the official CIFAR-10 binary batches.`,
    );
  }
  const bytes = Buffer.alloc(count * RECORD);
  const fd = openSync(path, 'r');
  try {
    const got = readSync(fd, bytes, 0, bytes.length, 0);
    if (got !== bytes.length)
      throw new Error(`${path} is truncated: wanted ${bytes.length} bytes, got ${got}.`);
  } finally {
    closeSync(fd);
  }
  const pixels = new Float32Array(count * 3072);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const r = n * RECORD;
    labels[n] = bytes[r];
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[n * 3072 + p * 3 + c] = bytes[r + 1 + c * 1024 + p] / 255;
    }
  }
  return { images: tf.tensor4d(pixels, [count, 32, 32, 3]), labels };
}

/**
 * A tiny CNN on 5·(x − 0.5) inputs (two seeded conv layers and a dense head), every layer trained for a few
 * epochs. It trains on `wasm` with `@pixsim/backend`'s training kernels (stock wasm cannot train convolutions,
 * and the stock cpu backend's filter gradient is far too slow for a test).
 */
async function trainCnn(x: tf.Tensor4D, y: Int32Array, seed: number): Promise<tfl.LayersModel> {
  const init = (k: number) => tfl.initializers.heNormal({ seed: deriveSeed(seed, k) % 100_000 });
  const conv = (filters: number, k: number, first: boolean) =>
    tfl.layers.conv2d({
      ...(first ? { inputShape: [32, 32, 3] } : {}),
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(k),
    });
  const model = tfl.sequential({
    layers: [
      conv(16, 0, true),
      conv(32, 1, false),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 10,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(seed, 2) % 100_000 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const inputs = tf.tidy(() => tf.mul(tf.sub(x, 0.5), 5));
  const targets = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
  await model.fit(inputs, targets, { epochs: 4, batchSize: 50, shuffle: false, verbose: 0 });
  tf.dispose([inputs, targets]);
  return model;
}

/** x + ε·s with s = ±1 (fair, seeded) per pixel, clipped to the bounds: the baseline of a gradient-free attack. */
const randomSign: PerturbationAttack = {
  kind: 'perturbation',
  name: 'random-sign',
  perturb(classifier, images, _labels, epsilon, { seed, indexOffset }) {
    const [n, h, w, c] = images.shape;
    const d = h * w * c;
    const s = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const rng = new SeededRandom(deriveSeed(seed, indexOffset + i));
      for (let j = 0; j < d; j++) s[i * d + j] = rng.uniform() < 0.5 ? -epsilon : epsilon;
    }
    return tf.tidy(() =>
      tf.clipByValue(
        tf.add(images, tf.tensor4d(s, [n, h, w, c])),
        classifier.bounds[0],
        classifier.bounds[1],
      ),
    ) as tf.Tensor4D;
  },
};

beforeAll(async () => {
  const chosen = await initBackend('wasm', { log: false });
  expect(chosen.backend).toBe('wasm');
});

describeWithData(['cifar10'], 'transferred FGSM on real CIFAR-10', ([cifarDir]) => {
  it('adversarials crafted on a surrogate lower the target accuracy more than random-sign noise of the same ε', async () => {
    const t0 = Date.now();
    const train = readCifar(cifarDir, 'data_batch_1.bin', 5000);
    const test = readCifar(cifarDir, 'test_batch.bin', 500);
    const target = await trainCnn(train.images, train.labels, 1);
    const surrogate = await trainCnn(train.images, train.labels, 2);
    console.log('trained in', Date.now() - t0, 'ms');
    const preprocess = scaleShift(5, 0.5);
    const targetClf = createClassifier(target, { preprocess });
    const surrogateClf = createClassifier(surrogate, { preprocess });
    const start = tf.memory().numTensors;
    const eps = [0, 8 / 255, 16 / 255];
    const data = { images: test.images, labels: test.labels };
    const transfer = robustnessCurve(targetClf, data, fgsmAttack({ surrogate: surrogateClf }), eps, {
      seed: 1,
    });
    const noise = robustnessCurve(targetClf, data, randomSign, eps, { seed: 1 });
    expect(tf.memory().numTensors).toBe(start);
    const acc = (c: typeof transfer) => c.accuracy.map((s) => s.mean as number);
    console.log('clean', transfer.cleanAccuracy, 'transfer', acc(transfer), 'random sign', acc(noise));
    // A real (if small) model: clearly above chance (10 %).
    expect(transfer.cleanAccuracy).toBeGreaterThan(0.35);
    expect(acc(transfer)[0]).toBe(transfer.cleanAccuracy);
    // At 8/255 and 16/255, transfer must beat random-sign noise by more than ~3 standard errors of a
    // 500-image accuracy (measured: 0.33 vs 0.43 and 0.22 vs 0.41).
    expect(acc(transfer)[1]).toBeLessThan(acc(noise)[1] - 0.06);
    expect(acc(transfer)[2]).toBeLessThan(acc(noise)[2] - 0.06);
    expect(acc(transfer)[2]).toBeLessThan(acc(transfer)[1]);
    tf.dispose([train.images, test.images]);
    target.dispose();
    surrogate.dispose();
  }, 180_000);
});
