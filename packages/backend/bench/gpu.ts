// `tsx bench/gpu.ts ENGINE [--steps N] [--width W] [--allow-software]`: ResNet18 (CIFAR layout, width W,
// default 64) training images/s at 32×32×3, batch 64, on ENGINE = `webgpu` or `tensorflow`
// (@tensorflow/tfjs-node-gpu), through `initBackend`: the plain step (64 images, cross-entropy) and the
// regularized step (64 images + k = 16 pairs in two more training-mode passes, L_task + α·L_sim with the
// regularizer's centring, cosine and softmax tap weights; `src/testing/regularized-step.ts`). One
// warm-up step (shader compilation), then N timed steps (default 10), each ended by reading the loss
// with `await data()` (the GPU has finished the step); prints one JSON line with the medians. Run by
// `bench/gpu.sh`, which first checks that Dawn sees a hardware GPU.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/init-backend';
import { regularizedNet, similarityLoss } from '../src/testing/regularized-step';
import { mulberry32 } from '@pixsim/core';
import { randomBatch, resnet18 } from '../src/testing/resnet';

const args = process.argv.slice(2);
const engine = args[0];
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const steps = option('--steps', 10);
const width = option('--width', 64);
const BATCH = 64;
const PAIRS = 16;

if (engine !== 'webgpu' && engine !== 'tensorflow') {
  console.error('usage: tsx bench/gpu.ts webgpu|tensorflow [--steps N] [--width W] [--allow-software]');
  process.exit(2);
}
const choice = await initBackend(engine, { log: false, env: {} });
if (choice.adapter?.software && !args.includes('--allow-software')) {
  console.error(`refusing to time a software adapter: ${choice.reason}`);
  process.exit(3);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(regularized: boolean): Promise<number> {
  const model = resnet18({ width, seed: 1 });
  const r = regularizedNet(model);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const variables = [
    ...model.trainableWeights.map((w) => w.read() as tf.Variable),
    ...(regularized ? [r.tapLogits] : []),
  ];
  const { x, y } = randomBatch(BATCH, 32, 10, 1);
  const a = randomBatch(PAIRS, 32, 10, 2);
  const b = randomBatch(PAIRS, 32, 10, 3);
  const rand = mulberry32(4);
  const targets = tf.tensor1d(Array.from({ length: PAIRS }, () => 1.6 * rand() - 0.8));
  const seconds: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const begin = performance.now();
    const loss = optimizer.minimize(
      () => {
        const outputs = r.net.apply(x, { training: true }) as tf.Tensor[];
        const task = tf.losses.softmaxCrossEntropy(y, outputs[outputs.length - 1]) as tf.Scalar;
        return regularized ? tf.add(task, tf.mul(similarityLoss(r, a.x, b.x, targets), 0.5)) : task;
      },
      true,
      variables,
    )!;
    await loss.data();
    loss.dispose();
    if (step > 0) seconds.push((performance.now() - begin) / 1000);
  }
  tf.dispose([x, y, a.x, a.y, b.x, b.y, targets, r.tapLogits, ...r.runningMeans]);
  optimizer.dispose();
  r.net.dispose();
  return BATCH / median(seconds);
}

const plain = await time(false);
const regularized = await time(true);
console.log(
  JSON.stringify({
    engine,
    reason: choice.reason,
    adapter: choice.adapter,
    width,
    batch: BATCH,
    pairs: PAIRS,
    steps,
    plainImagesPerSecond: Number(plain.toFixed(1)),
    regularizedImagesPerSecond: Number(regularized.toFixed(1)),
  }),
);
