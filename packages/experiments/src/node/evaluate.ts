import type { ImageDataset } from '@pixsim/datasets';
import {
  type BoundaryAttackResult,
  type Classifier,
  createClassifier,
  deriveSeed,
  fgsmAttack,
  gaussianNoiseAttack,
  type PerturbationAttack,
  type PredictingModel,
  predictLabelsReads,
  robustnessCurveReads,
  runBoundaryAttackReads,
  saltAndPepperNoiseAttack,
  scaleShift,
  uniformNoiseAttack,
} from '@pixsim/attacks';
import { permutation } from '@pixsim/regularizer';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resolveGrid } from '../grid';
import type { BoundaryRecord, BoundaryRepeat, CurveRecord, ModelRole } from '../result';
import type { AttackSpec, ExperimentSpec } from '../spec';
import { median } from '../stats';

const BOUNDARY_STREAM = 0xb0a7;

/** The evaluated test images as a [0, 1] float tensor and their labels. */
export interface TestImages {
  images: tf.Tensor4D;
  labels: Int32Array;
}

/** The test set as a float32 `[N, H, W, C]` tensor in [0, 1] (the caller disposes it). */
export function testImages(test: ImageDataset): TestImages {
  return { images: test.toTensor(undefined, { scale: 'unit' }), labels: test.labels };
}

/**
 * A model seen from [0, 1] image space with the task's input scaling: `5·(x − 0.5)` for
 * `'reference'` (CIFAR tasks), nothing for `'unit'` (MNIST tasks). Images are already grey where the model is.
 */
export function classifierOf(model: tfl.LayersModel | PredictingModel, spec: ExperimentSpec): Classifier {
  return createClassifier(model, {
    bounds: [0, 1],
    preprocess: spec.task.inputScaling === 'reference' ? [scaleShift(5, 0.5)] : [],
  });
}

function perturbation(attack: AttackSpec, surrogate: Classifier | null): PerturbationAttack {
  switch (attack.kind) {
    case 'gaussian-noise':
      return gaussianNoiseAttack();
    case 'uniform-noise':
      return uniformNoiseAttack();
    case 'salt-and-pepper-noise':
      return saltAndPepperNoiseAttack();
    case 'transferred-fgsm':
      if (!surrogate) throw new Error('transferred-fgsm needs the surrogate model (internal error).');
      return fgsmAttack({ surrogate });
    default:
      throw new Error(`${attack.kind} is not a perturbation attack (internal error).`);
  }
}

type CurveArguments = [
  model: tfl.LayersModel | PredictingModel,
  role: ModelRole,
  attack: Exclude<AttackSpec, { kind: 'boundary' }>,
  spec: ExperimentSpec,
  test: TestImages,
  seed: number,
  surrogate: tfl.LayersModel | null,
];

/** Accuracy of `model` against one perturbation attack over its ε grid (noise seeded by the cell seed). */
export function evaluateCurve(...args: CurveArguments): CurveRecord {
  return runReadsSync(curveReads(...args));
}

/**
 * {@link evaluateCurve} with asynchronous reads (`await data()`): what the runner calls, so that it
 * evaluates on every engine, `webgpu` in Node included. Same record.
 */
export async function evaluateCurveAsync(...args: CurveArguments): Promise<CurveRecord> {
  return runReadsAsync(curveReads(...args));
}

function* curveReads(
  ...[model, role, attack, spec, test, seed, surrogate]: CurveArguments
): TensorReads<CurveRecord> {
  const epsilons = resolveGrid('epsilons', attack.epsilons);
  const attacker = perturbation(attack, surrogate ? classifierOf(surrogate, spec) : null);
  const curve = yield* robustnessCurveReads(classifierOf(model, spec), test, attacker, epsilons, {
    seed,
    batchSize: spec.evaluation.batchSize,
  });
  return {
    model: role,
    attack: attack.kind,
    n: curve.n,
    epsilons,
    accuracy: curve.accuracy.map((s) => s.mean as number),
  };
}

/** The test images the Boundary Attack uses in a cell: a seeded choice of `boundaryImages`. */
export function boundaryIndices(testSize: number, count: number, seed: number): number[] {
  return Array.from(
    permutation(testSize, deriveSeed(seed, BOUNDARY_STREAM)).subarray(0, Math.min(count, testSize)),
  );
}

/**
 * The Boundary Attack (foolbox 3 semantics, `steps` steps) against `model`'s own predictions, on the
 * cell's chosen test images, `boundaryRepeats` times: per image the success, L2 distance, squared L2
 * per pixel and queries, and per repeat the median squared L2 per pixel over successful images.
 */
export function evaluateBoundary(...args: BoundaryArguments): BoundaryRecord {
  return runReadsSync(boundaryReads(...args));
}

/** {@link evaluateBoundary} with asynchronous reads (see {@link evaluateCurveAsync}). */
export async function evaluateBoundaryAsync(...args: BoundaryArguments): Promise<BoundaryRecord> {
  return runReadsAsync(boundaryReads(...args));
}

type BoundaryArguments = [
  model: tfl.LayersModel | PredictingModel,
  role: ModelRole,
  steps: number,
  spec: ExperimentSpec,
  test: TestImages,
  seed: number,
];

function* boundaryReads(
  ...[model, role, steps, spec, test, seed]: BoundaryArguments
): TensorReads<BoundaryRecord> {
  const clf = classifierOf(model, spec);
  const indices = boundaryIndices(test.labels.length, spec.scale.boundaryImages, seed);
  const images = tf.tidy(() => tf.gather(test.images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
  try {
    const [n, h, w, c] = images.shape;
    const d = h * w * c;
    const predicted = yield* predictLabelsReads(clf, images);
    const cleanAccuracy = indices.filter((i, k) => predicted[k] === test.labels[i]).length / n;
    const repeats: BoundaryRepeat[] = [];
    for (let r = 0; r < spec.scale.boundaryRepeats; r++) {
      const repeatSeed = deriveSeed(seed, BOUNDARY_STREAM, r + 1);
      const rep: BoundaryRepeat = {
        seed: repeatSeed,
        success: [],
        distances: [],
        squaredL2PerPixel: [],
        queries: [],
        medianSquaredL2PerPixel: null,
        successRate: 0,
      };
      for (let start = 0; start < n; start += spec.evaluation.batchSize) {
        const size = Math.min(spec.evaluation.batchSize, n - start);
        const batch = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
        let out: BoundaryAttackResult;
        try {
          out = yield* runBoundaryAttackReads(clf, batch, { seed: repeatSeed, steps, indexOffset: start });
        } finally {
          batch.dispose();
        }
        out.adversarials.dispose();
        for (let i = 0; i < size; i++) {
          const ok = out.success[i];
          rep.success.push(ok);
          rep.distances.push(ok ? out.distances[i] : null);
          rep.squaredL2PerPixel.push(ok ? out.distances[i] ** 2 / d : null);
          rep.queries.push(out.queries[i]);
        }
      }
      const ok = rep.squaredL2PerPixel.filter((v): v is number => v !== null);
      rep.medianSquaredL2PerPixel = median(ok);
      rep.successRate = ok.length / n;
      repeats.push(rep);
    }
    const medians = repeats.map((r) => r.medianSquaredL2PerPixel).filter((v): v is number => v !== null);
    const score = medians.length ? medians.reduce((a, b) => a + b, 0) / medians.length : null;
    return { model: role, steps, imageIndices: indices, cleanAccuracy, repeats, score };
  } finally {
    images.dispose();
  }
}
