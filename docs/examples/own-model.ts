// The Node example of the guide "Use it in your own model" (docs/guides/own-model.md), run as written:
//   npx -y pnpm@10 --filter @pixsim/docs run example:own-model
// Trains the small CNN of small-cnn.ts on 5,000 MNIST digits without and with the pixel-similarity
// regularizer, then compares the two under Gaussian noise.
// #region imports
import { createClassifier, gaussianNoiseAttack, robustnessCurve } from '@pixsim/attacks';
import { initBackend } from '@pixsim/backend/node';
import { mnist } from '@pixsim/datasets';
import {
  evaluateClassifier,
  evaluateSimilarity,
  ImageStore,
  matrixTargets,
  SimilarityRegularizer,
  train,
} from '@pixsim/regularizer';
import { pixelSimilarity, thresholdTargets } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import { smallCnn } from './small-cnn';
// #endregion imports

// #region engine
// tfjs-node(-gpu) when installed, else WebGPU on a hardware GPU, else wasm with pixsim's training kernels,
// else cpu; `reason` says why.
await initBackend('auto', { wasmThreads: 'auto' }); // logs its choice, and why, once
// #endregion engine

// #region data
// Your labelled images: here 5,000 MNIST training digits and 1,000 test digits (uint8 [N, 28, 28, 1]), and
// N = 500 other training digits as regularization images. Anything with { images, shape, labels } works.
const { train: mnistTrain, test: mnistTest } = await mnist();
const trainSet = mnistTrain.subset(5000, 1);
const testSet = mnistTest.subset(1000, 2);
const regSet = mnistTrain.subset(500, 3);
// #endregion data

// #region targets
// S^pixel of the regularization images (grey, centred by the mean image, cosine), thresholded at Th = 0.2:
// S^Th = +1 / −1 / 0. The pairs are drawn from all i < j (`range: 'all'`, judged on S^pixel).
const regImages = regSet.toTensor(undefined, { scale: 'unit' }); // [500, 28, 28, 1] in [0, 1]
const sPixel = pixelSimilarity(regImages);
const sTh = thresholdTargets(sPixel, 0.2);
const targets = matrixTargets(sTh, { selectFrom: sPixel, range: 'all' }); // plain arrays: N×N matrix, pairs
tf.dispose([regImages, sPixel, sTh]);
// The same in one call: thresholdedPixelTargets(regSet, { th: 0.2 }).
// #endregion targets

// #region alpha
// Choose α so that α·L_sim is about L_task for the untrained network (both measured on held-out data),
// instead of the paper's α = 4, which was tuned for a ResNet18 and its loss scale.
function balancedAlpha(model: ReturnType<typeof smallCnn>, regularizer: SimilarityRegularizer): number {
  const task = evaluateClassifier(model, new ImageStore(trainSet, 'training images'), [...Array(500).keys()]);
  const sim = evaluateSimilarity(
    regularizer,
    new ImageStore(regSet, 'regularization images'),
    targets,
    targets.pairs.subarray(0, 1000),
  );
  console.log(
    `untrained: L_task ${task.loss.toFixed(3)}, L_sim ${sim.simLoss.toFixed(2)}, correlation(S^CNN, S^Th) ${sim.correlation?.toFixed(3)}`,
  );
  return task.loss / sim.simLoss;
}
// #endregion alpha

// #region train
async function fit(alpha: number | 'balanced') {
  const model = smallCnn(1); // the same initial weights for both runs
  const regularizer = new SimilarityRegularizer({ model, taps: ['conv1', 'conv2'] });
  const a = alpha === 'balanced' ? balancedAlpha(model, regularizer) : alpha;
  const result = await train({
    model,
    regularizer,
    train: trainSet,
    regularization: { images: regSet, targets },
    alpha: a,
    epochs: 3,
    seed: 1,
    learningRate: 0.01, // SGD with momentum 0.9; the paper's 0.1 is for its ResNet18 with batch norm
    restoreBest: true, // end with the weights of the epoch with the lowest validation loss
    progress: false,
  });
  const last = result.history.at(-1)!;
  console.log(
    `α = ${a.toFixed(3)}: validation accuracy ${last.validationAccuracy?.toFixed(3)}, L_task ${last.taskLoss.toFixed(3)}, ` +
      `L_sim ${last.simLoss?.toFixed(2) ?? '—'}, held-out correlation(S^CNN, S^Th) ` +
      `${result.initialHeldOutCorrelation?.toFixed(3)} → ${last.heldOutCorrelation?.toFixed(3)}`,
  );
  regularizer.dispose();
  return { model, inputScaling: result.inputScaling };
}
const baseline = await fit(0);
const regularized = await fit('balanced');
// #endregion train

// #region evaluate
// Accuracy under Gaussian noise x + ε·N(0, 1), each noisy image clamped to its own clean range, on the
// 1,000 test digits in [0, 1] (the scaling these models were trained with: result.inputScaling 'unit').
const images = testSet.toTensor(undefined, { scale: 'unit' });
const epsilons = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
for (const [name, { model }] of Object.entries({ baseline, regularized })) {
  const classifier = createClassifier(model, { bounds: [0, 1] });
  const curve = robustnessCurve(
    classifier,
    { images, labels: testSet.labels },
    gaussianNoiseAttack(),
    epsilons,
    {
      seed: 1,
    },
  );
  console.log(
    `${name.padEnd(11)} ${curve.accuracy.map((a, i) => `ε=${epsilons[i]}: ${(100 * (a.mean ?? Number.NaN)).toFixed(1)}%`).join('  ')}`,
  );
  model.dispose();
}
images.dispose();
// #endregion evaluate
