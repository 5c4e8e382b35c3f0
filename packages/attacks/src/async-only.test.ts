/**
 * The evaluations of the experiment runner where only `await data()` reads: the cpu engine registered
 * by `registerAsyncOnlyBackend` (@pixsim/backend) refuses dataSync()/arraySync() as the webgpu engine
 * does in Node. Every number must equal plain cpu's, bit for bit.
 */
import '@tensorflow/tfjs-backend-cpu';
import { registerAsyncOnlyBackend, SyncReadUnsupportedError } from '@pixsim/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryAttack, fgsmAttack, gaussianNoiseAttack, saltAndPepperNoiseAttack } from './attack-specs';
import { runBoundaryAttack, runBoundaryAttackAsync } from './boundary-attack';
import {
  type Classifier,
  createClassifier,
  predictLabels,
  predictLabelsAsync,
  scaleShift,
} from './classifier';
import { SeededRandom } from './random';
import { robustnessCurve, robustnessCurveAsync } from './robustness-curve';

const ASYNC_ONLY = registerAsyncOnlyBackend();
const D = 4 * 4;
const K = 3;

/** A linear 3-class model on 4×4 images (weights seeded), behind the paper's 5·(x − 0.5) preprocessing. */
function linearModel(seed: number): { classifier: Classifier; dispose: () => void } {
  const rng = new SeededRandom(seed);
  const w = tf.tensor2d(
    Float32Array.from({ length: D * K }, () => rng.normal()),
    [D, K],
  );
  const classifier = createClassifier(
    (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], D]), w) as tf.Tensor2D),
    { preprocess: [scaleShift(5, 0.5)], numClasses: K },
  );
  return { classifier, dispose: () => w.dispose() };
}

const N = 10;
const pixels = (() => {
  const rng = new SeededRandom(3);
  return Float32Array.from({ length: N * D }, () => rng.uniform());
})();
/** The target model's own predictions (set on cpu before the tests), so that the clean accuracy is 1. */
let labels: Int32Array = new Int32Array(N);

/** Every evaluation the runner makes (noise curve, transferred FGSM, Boundary Attack), on the active engine. */
async function evaluations(asynchronous: boolean) {
  const start = tf.memory().numTensors;
  const target = linearModel(1);
  // The surrogate has the target's weights: its FGSM must lower the accuracy.
  const surrogate = linearModel(1);
  const images = tf.tensor4d(pixels, [N, 4, 4, 1]);
  const curve = asynchronous ? robustnessCurveAsync : robustnessCurve;
  try {
    const data = { images, labels };
    const options = { seed: 5, batchSize: 4, repeats: 2 };
    return {
      predicted: asynchronous
        ? await predictLabelsAsync(target.classifier, images)
        : predictLabels(target.classifier, images),
      gaussian: await curve(target.classifier, data, gaussianNoiseAttack(), [0, 0.1, 0.3], options),
      saltAndPepper: await curve(target.classifier, data, saltAndPepperNoiseAttack(), [0.05], options),
      fgsm: await curve(
        target.classifier,
        data,
        fgsmAttack({ surrogate: surrogate.classifier }),
        [0, 0.05],
        options,
      ),
      boundaryCurve: await curve(
        target.classifier,
        data,
        boundaryAttack({ steps: 30, initDirections: 20 }),
        [0.5, 2],
        {
          seed: 5,
          batchSize: 4,
        },
      ),
      boundary: await (async () => {
        const run = asynchronous ? runBoundaryAttackAsync : runBoundaryAttack;
        const out = await run(target.classifier, images, { seed: 9, steps: 25, labels, initDirections: 20 });
        const adversarials = Array.from(await out.adversarials.data());
        out.adversarials.dispose();
        return { ...out, adversarials };
      })(),
    };
  } finally {
    images.dispose();
    target.dispose();
    surrogate.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }
}

describe('the attacks where only await data() reads (the webgpu engine in Node, here its cpu stand-in)', () => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend('cpu');
    const target = linearModel(1);
    const images = tf.tensor4d(pixels, [N, 4, 4, 1]);
    labels = predictLabels(target.classifier, images);
    images.dispose();
    target.dispose();
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('give the numbers of cpu: predictions, noise and transferred-FGSM curves, Boundary Attack', async () => {
    await tf.setBackend('cpu');
    const onCpu = await evaluations(false);
    await tf.setBackend(ASYNC_ONLY);
    const onAsyncOnly = await evaluations(true);
    expect(onAsyncOnly).toEqual(onCpu);
    // Not vacuous: the attacks changed the accuracy and the Boundary Attack found adversarials.
    expect(onCpu.gaussian.accuracy[0].mean).toBe(1);
    expect(onCpu.gaussian.accuracy[2].mean).toBeLessThan(1);
    expect(onCpu.fgsm.accuracy[1].mean).toBeLessThan(onCpu.fgsm.accuracy[0].mean as number);
    expect(onCpu.boundary.success.some((s) => s)).toBe(true);
    expect(onCpu.boundaryCurve.minimization?.successRate.mean).toBeGreaterThan(0);
  });

  it('the synchronous functions throw there, leaving no tensor behind', async () => {
    await tf.setBackend(ASYNC_ONLY);
    const target = linearModel(1);
    const images = tf.tensor4d(pixels, [N, 4, 4, 1]);
    const data = { images, labels };
    const start = tf.memory().numTensors;
    const calls: (() => unknown)[] = [
      () => predictLabels(target.classifier, images),
      () => robustnessCurve(target.classifier, data, gaussianNoiseAttack(), [0.1], { seed: 1 }),
      () => runBoundaryAttack(target.classifier, images, { seed: 1, steps: 5, labels }),
      () =>
        gaussianNoiseAttack().perturb(target.classifier, images, labels, 0.1, { seed: 1, indexOffset: 0 }),
    ];
    for (const call of calls) {
      expect(call).toThrow(SyncReadUnsupportedError);
      expect(tf.memory().numTensors).toBe(start);
    }
    images.dispose();
    target.dispose();
  });
});

describe('a read that fails half-way through an asynchronous attack', () => {
  it('frees every tensor the attack allocated (try/finally holds with await data())', async () => {
    await tf.setBackend('cpu');
    const target = linearModel(1);
    const images = tf.tensor4d(pixels, [N, 4, 4, 1]);
    const start = tf.memory().numTensors;
    const data = tf.Tensor.prototype.data;
    let reads = 0;
    for (let failAt of [1, 2, 4, 9, 30, 60]) {
      reads = 0;
      tf.Tensor.prototype.data = async function (this: tf.Tensor) {
        reads += 1;
        if (reads === failAt) throw new Error(`read ${failAt} failed`);
        return data.call(this);
      } as typeof data;
      try {
        await expect(
          runBoundaryAttackAsync(target.classifier, images, { seed: 9, steps: 25, initDirections: 20 }),
        ).rejects.toThrow(`read ${failAt} failed`);
        // The curve makes 21 reads here (input check, 4 clean batches, 2 × 4 noisy batches × 2).
        reads = 0;
        failAt = Math.min(failAt, 20);
        await expect(
          robustnessCurveAsync(target.classifier, { images, labels }, gaussianNoiseAttack(), [0, 0.2], {
            seed: 1,
            batchSize: 3,
          }),
        ).rejects.toThrow(`read ${failAt} failed`);
      } finally {
        tf.Tensor.prototype.data = data;
      }
      expect(tf.memory().numTensors).toBe(start);
    }
    images.dispose();
    target.dispose();
  });
});
