import * as tf from '@tensorflow/tfjs-core';
import { blendedNoiseReads } from './blended-noise';
import type { Classifier } from './classifier';
import { PACKAGE, InvalidOptionError } from './errors';
import { attackedLabelsReads, queryOracle } from './oracle';
import { runReadsAsync, runReadsSync, type TensorReads } from '@pixsim/core';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { StatsQueue } from './stats-queue';
import { assertClassifier, imagesReads, type Labels, positiveInteger, positiveNumber } from './validate';

/** Options of {@link runBoundaryAttack}; defaults are foolbox 3's `BoundaryAttack` defaults. */
export interface BoundaryAttackOptions {
  /** Seed of every random draw (required): initial noise and proposal directions, one stream per image. */
  seed: number;
  /** Boundary-walk steps. Default 25000 (foolbox 3); the paper uses 50. */
  steps?: number;
  /** Initial spherical step, relative to the current distance. Default 1e-2. */
  sphericalStep?: number;
  /** Initial step towards the original, relative to the current distance. Default 1e-2. */
  sourceStep?: number;
  /** An image stops once its source step falls below this. Default 1e-7. */
  sourceStepConvergence?: number;
  /** Factor by which step sizes grow or shrink. Default 1.5. */
  stepAdaptation?: number;
  /** Spherical candidates are queried and success statistics recorded every k-th step. Default 10. */
  updateStatsEvery?: number;
  /** Random noise images tried per image by the initialisation. Default 1000. */
  initDirections?: number;
  /** Blending steps of the initialisation's linear search. Default 50. */
  initSteps?: number;
  /** Optional early stop: an image stops once its L2 distance (image space) is ≤ this value. */
  targetDistance?: number;
  /**
   * Labels to move away from. Default: the classifier's own predictions (the paper's choice; one query
   * per image, counted). Images already misclassified at these labels get distance 0 and no walk.
   */
  labels?: Labels;
  /** Global index of the first image (per-image random streams independent of batching). Default 0. */
  indexOffset?: number;
}

/** Result of {@link runBoundaryAttack}. Every array has one entry per image. */
export interface BoundaryAttackResult {
  /** `[N, H, W, C]` best adversarials (the clean image where `success` is false). Dispose it. */
  adversarials: tf.Tensor4D;
  /** True where the initialisation found an adversarial (false: reported, not thrown). */
  success: boolean[];
  /** L2 distance ‖x' − x‖₂ in image space (`Infinity` where `success` is false). */
  distances: Float64Array;
  /** Model queries spent on each image (label prediction, initialisation and walk). */
  queries: Int32Array;
  /** Boundary-walk steps each image took part in. */
  steps: Int32Array;
  /** The labels attacked (predictions unless given). */
  labels: Int32Array;
}

function rowNorms(t: tf.Tensor2D): tf.Tensor1D {
  return tf.sqrt(tf.sum(tf.square(t), 1)) as tf.Tensor1D;
}

/**
 * Boundary Attack (Brendel et al. 2017) with foolbox 3 semantics: start from an adversarial found by
 * {@link linearSearchBlendedUniformNoise}, then walk along the decision boundary towards the original
 * with an orthogonal (spherical) step and a step towards the source, keeping a candidate when it is
 * adversarial and closer. Every `updateStatsEvery` steps the spherical candidate is also queried, and
 * once 100 (spherical) / 30 (total) outcomes are recorded the step sizes adapt by `stepAdaptation`.
 *
 * Vectorised over the batch, but each image has its own random stream, step sizes and query count, and
 * is queried only while still walking (not converged, not stopped at `targetDistance`). Differences from
 * foolbox 3: proposal noise is drawn per image (foolbox shares one draw across the batch), finished
 * images are not queried further, and an initialisation failure is reported per image.
 */
export function runBoundaryAttack(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: BoundaryAttackOptions,
): BoundaryAttackResult {
  return runReadsSync(boundaryAttackReads('runBoundaryAttack', classifier, images, options));
}

/**
 * {@link runBoundaryAttack} with asynchronous reads (`await data()`): the same attack, results and errors
 * on every engine, the `webgpu` engine in Node included.
 */
export async function runBoundaryAttackAsync(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: BoundaryAttackOptions,
): Promise<BoundaryAttackResult> {
  return runReadsAsync(boundaryAttackReads('runBoundaryAttackAsync', classifier, images, options));
}

/** {@link runBoundaryAttack} as a {@link TensorReads} computation (for composition with `yield*`). */
export function runBoundaryAttackReads(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: BoundaryAttackOptions,
): TensorReads<BoundaryAttackResult> {
  return boundaryAttackReads('runBoundaryAttack', classifier, images, options);
}

/** The Boundary Attack as a {@link TensorReads} computation; `fn` names the caller in errors. */
export function* boundaryAttackReads(
  fn: string,
  classifier: Classifier,
  images: tf.Tensor4D,
  options: BoundaryAttackOptions,
): TensorReads<BoundaryAttackResult> {
  assertClassifier(fn, classifier);
  assertSeed(fn, options?.seed);
  const o = options;
  const steps = positiveInteger(fn, 'steps', o.steps ?? 25000);
  const sphericalStep = positiveNumber(fn, 'sphericalStep', o.sphericalStep ?? 1e-2);
  const sourceStep = positiveNumber(fn, 'sourceStep', o.sourceStep ?? 1e-2);
  const convergence = positiveNumber(fn, 'sourceStepConvergence', o.sourceStepConvergence ?? 1e-7);
  const adaptation = positiveNumber(fn, 'stepAdaptation', o.stepAdaptation ?? 1.5);
  const statsEvery = positiveInteger(fn, 'updateStatsEvery', o.updateStatsEvery ?? 10);
  const initDirections = positiveInteger(fn, 'initDirections', o.initDirections ?? 1000);
  const initSteps = positiveInteger(fn, 'initSteps', o.initSteps ?? 50);
  const target = o.targetDistance;
  if (target !== undefined && !(typeof target === 'number' && target >= 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: targetDistance must be a number ≥ 0 (or omitted), got ${target}.`,
    );
  }
  const offset = o.indexOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(PACKAGE, `${fn}: indexOffset must be an integer ≥ 0, got ${offset}.`);
  }
  yield* imagesReads(fn, images, classifier.bounds);
  const [n, h, w, c] = images.shape;
  const d = h * w * c;
  const bounds = classifier.bounds;

  const { labels, oracle } = yield* attackedLabelsReads(fn, classifier, images, o.labels);

  const originalsTensor = tf.tidy(() => tf.reshape(tf.cast(images, 'float32'), [n, d]) as tf.Tensor2D);
  let best: tf.Tensor2D | null = null;
  try {
    const originals = Float32Array.from(yield originalsTensor);
    const initRngs = Array.from({ length: n }, (_, i) => new SeededRandom(deriveSeed(o.seed, 0, offset + i)));
    const walkRngs = Array.from({ length: n }, (_, i) => new SeededRandom(deriveSeed(o.seed, 1, offset + i)));
    const init = yield* blendedNoiseReads(
      oracle,
      originals,
      n,
      d,
      bounds,
      initRngs,
      initDirections,
      initSteps,
    );

    best = tf.tensor2d(init.starts, [n, d]);
    const dist = new Float64Array(n);
    {
      const start = best;
      const nt = tf.tidy(() => rowNorms(tf.sub(originalsTensor, start) as tf.Tensor2D));
      try {
        dist.set(yield nt);
      } finally {
        nt.dispose();
      }
    }
    const active = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      active[i] = init.found[i] && dist[i] > 0 && !(target !== undefined && dist[i] <= target) ? 1 : 0;
    const spherical = new Float32Array(n).fill(sphericalStep);
    const source = new Float32Array(n).fill(sourceStep);
    const statsSpherical = new StatsQueue(100, n);
    const statsStep = new StatsQueue(30, n);
    const stepCount = new Int32Array(n);
    const eta = new Float32Array(n * d);

    for (let step = 1; step <= steps; step++) {
      for (let i = 0; i < n; i++) if (active[i] && source[i] < convergence) active[i] = 0;
      const rows = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => active[i] === 1));
      if (rows.length === 0) break;
      for (const i of rows) {
        walkRngs[i].fillNormal(eta, i * d, d);
        stepCount[i]++;
      }
      const checkStats = step % statsEvery === 0;
      const current: tf.Tensor2D = best;
      const [candidates, sphericalCandidates, candidateDist] = tf.tidy(() => {
        const x0 = originalsTensor;
        const diff = tf.sub(x0, current) as tf.Tensor2D;
        const srcNorm = tf.reshape(rowNorms(diff), [n, 1]);
        const safeNorm = tf.where(tf.greater(srcNorm, 0), srcNorm, tf.onesLike(srcNorm));
        const dir = tf.div(diff, safeNorm);
        const e0 = tf.tensor2d(eta, [n, d]);
        const e = tf.sub(e0, tf.mul(tf.sum(tf.mul(e0, dir), 1, true), dir));
        const sph = tf.tensor2d(spherical, [n, 1]);
        const src = tf.tensor2d(source, [n, 1]);
        const eNorm = tf.reshape(rowNorms(e as tf.Tensor2D), [n, 1]);
        const eScaled = tf.mul(e, tf.div(tf.mul(sph, srcNorm), tf.maximum(eNorm, 1e-30)));
        const onSphere = tf.sqrt(tf.add(tf.square(sph), 1));
        const sphCand = tf.clipByValue(
          tf.add(x0, tf.div(tf.sub(eScaled, diff), onSphere)),
          bounds[0],
          bounds[1],
        );
        const newDir = tf.sub(x0, sphCand);
        const newNorm = tf.reshape(rowNorms(newDir as tf.Tensor2D), [n, 1]);
        const len = tf.div(
          tf.maximum(tf.add(tf.mul(src, srcNorm), tf.sub(newNorm, srcNorm)), 0),
          tf.maximum(newNorm, 1e-30),
        );
        const cand = tf.clipByValue(
          tf.add(sphCand, tf.mul(len, newDir)),
          bounds[0],
          bounds[1],
        ) as tf.Tensor2D;
        return [cand, sphCand as tf.Tensor2D, rowNorms(tf.sub(x0, cand) as tf.Tensor2D)];
      });
      const rowsTensor = tf.tensor1d(rows, 'int32');
      let isAdv: Uint8Array;
      let sphIsAdv: Uint8Array | undefined;
      let nextBest: tf.Tensor2D;
      try {
        const candRows = tf.gather(candidates, rowsTensor) as tf.Tensor2D;
        try {
          isAdv = yield* queryOracle(oracle, rows, candRows);
        } finally {
          candRows.dispose();
        }
        if (checkStats) {
          const sphRows = tf.gather(sphericalCandidates, rowsTensor) as tf.Tensor2D;
          try {
            sphIsAdv = yield* queryOracle(oracle, rows, sphRows);
          } finally {
            sphRows.dispose();
          }
        }
        const cd = yield candidateDist;
        const update = new Uint8Array(n);
        for (let r = 0; r < rows.length; r++) {
          const i = rows[r];
          if (isAdv[r] && cd[i] < dist[i]) {
            update[i] = 1;
            dist[i] = cd[i];
          }
        }
        nextBest = tf.tidy(
          () => tf.where(tf.tensor2d(update, [n, 1], 'bool'), candidates, current) as tf.Tensor2D,
        );
      } finally {
        tf.dispose([rowsTensor, candidates, sphericalCandidates, candidateDist]);
      }
      current.dispose();
      best = nextBest;

      if (checkStats && sphIsAdv) {
        const sphValues = new Float64Array(n).fill(Number.NaN);
        const stepValues = new Float64Array(n).fill(Number.NaN);
        for (let r = 0; r < rows.length; r++) {
          sphValues[rows[r]] = sphIsAdv[r];
          stepValues[rows[r]] = isAdv[r];
        }
        statsSpherical.append(sphValues);
        statsStep.append(stepValues);
        adaptSteps(statsSpherical, statsStep, spherical, source, adaptation);
      }
      if (target !== undefined) for (const i of rows) if (dist[i] <= target) active[i] = 0;
    }

    const last: tf.Tensor2D = best;
    const adversarials = tf.tidy(() => tf.reshape(last, [n, h, w, c]) as tf.Tensor4D);
    const success: boolean[] = [];
    for (let i = 0; i < n; i++) {
      success.push(init.found[i] === 1);
      if (!init.found[i]) dist[i] = Number.POSITIVE_INFINITY;
    }
    return { adversarials, success, distances: dist, queries: oracle.queries, steps: stepCount, labels };
  } finally {
    best?.dispose();
    originalsTensor.dispose();
  }
}

/** foolbox 3's step-size adaptation from the success statistics of spherical and full candidates. */
function adaptSteps(
  statsSpherical: StatsQueue,
  statsStep: StatsQueue,
  spherical: Float32Array,
  source: Float32Array,
  adaptation: number,
): void {
  const n = spherical.length;
  let full = statsSpherical.isFull();
  let probs = statsSpherical.mean();
  let clear = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!full[i]) continue;
    if (probs[i] > 0.5) {
      spherical[i] *= adaptation;
      source[i] *= adaptation;
      clear[i] = 1;
    } else if (probs[i] < 0.2) {
      spherical[i] /= adaptation;
      source[i] /= adaptation;
      clear[i] = 1;
    }
  }
  statsSpherical.clear(clear);
  full = statsStep.isFull();
  probs = statsStep.mean();
  clear = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!full[i]) continue;
    if (probs[i] > 0.25) {
      source[i] *= adaptation;
      clear[i] = 1;
    } else if (probs[i] < 0.1) {
      source[i] /= adaptation;
      clear[i] = 1;
    }
  }
  statsStep.clear(clear);
}
