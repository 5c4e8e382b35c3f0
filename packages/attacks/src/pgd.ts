import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import { PACKAGE, InvalidOptionError } from './errors';
import { lossGradient } from './gradient';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import {
  assertClassifier,
  assertEpsilon,
  assertOptions,
  imagesReads,
  type Labels,
  labelsReads,
  positiveInteger,
  positiveNumber,
} from './validate';

/** Norm of a PGD threat model. */
export type PgdNorm = 'linf' | 'l2';

/** Options of {@link pgd}. */
export interface PgdOptions {
  /** Threat model: `'linf'` (default) or `'l2'`. */
  norm?: PgdNorm;
  /** Iterations. Default 40 for L∞, 50 for L2 (foolbox 3's defaults). */
  steps?: number;
  /** Step size relative to ε. Default 0.01/0.3 for L∞, 0.025 for L2 (foolbox 3's defaults). */
  relativeStepSize?: number;
  /** Absolute step size; overrides `relativeStepSize`. */
  stepSize?: number;
  /** Start from a uniform random point of the ε-ball (default true, as foolbox 3); needs `seed`. */
  randomStart?: boolean;
  /** Seed of the random start (required when `randomStart` is true). */
  seed?: number;
  /** Global index of the first image (per-image random streams, as for the noise attacks). Default 0. */
  indexOffset?: number;
  /** Surrogate classifier whose gradients are used (transferred PGD). */
  surrogate?: Classifier;
}

function l2Norms(t: tf.Tensor4D): tf.Tensor4D {
  return tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as tf.Tensor4D;
}

function randomStart(norm: PgdNorm, n: number, d: number, epsilon: number, seed: number, offset: number) {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const rng = new SeededRandom(deriveSeed(seed, offset + i));
    const base = i * d;
    if (norm === 'linf') {
      rng.fillUniform(out, -epsilon, epsilon, base, d);
    } else {
      // Uniform in the L2 ball: a normal direction scaled to radius ε·u^(1/d).
      rng.fillNormal(out, base, d);
      let s = 0;
      for (let j = base; j < base + d; j++) s += out[j] * out[j];
      const r = (epsilon * rng.uniform() ** (1 / d)) / Math.sqrt(s);
      for (let j = base; j < base + d; j++) out[j] *= r;
    }
  }
  return out;
}

/**
 * Projected Gradient Descent (untargeted, Madry et al.), L∞ or L2: repeated gradient steps on the
 * cross-entropy at the true labels, each followed by projection onto the ε-ball around `x` and clipping
 * to the classifier's bounds. L∞ steps along `sign(∇)`, L2 along `∇/‖∇‖₂`.
 *
 * @returns `[N, H, W, C]` adversarial images with `‖x' − x‖ ≤ ε`.
 */
export function pgd(
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: Labels,
  epsilon: number,
  options: PgdOptions = {},
): tf.Tensor4D {
  return runReadsSync(pgdReads(classifier, images, labels, epsilon, options));
}

/** {@link pgd} as a {@link TensorReads} computation (its input checks read with the driver). */
export function* pgdReads(
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: Labels,
  epsilon: number,
  options: PgdOptions = {},
): TensorReads<tf.Tensor4D> {
  const fn = 'pgd';
  assertClassifier(fn, classifier);
  assertOptions(fn, options);
  if (options.surrogate !== undefined) assertClassifier(fn, options.surrogate, 'options.surrogate');
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') {
    throw new InvalidOptionError(PACKAGE, `${fn}: norm must be 'linf' or 'l2', got '${String(norm)}'.`);
  }
  const steps = positiveInteger(fn, 'steps', options.steps ?? (norm === 'linf' ? 40 : 50));
  const rel = positiveNumber(
    fn,
    'relativeStepSize',
    options.relativeStepSize ?? (norm === 'linf' ? 0.01 / 0.3 : 0.025),
  );
  const useRandomStart = options.randomStart ?? true;
  if (useRandomStart) assertSeed(fn, options.seed);
  const offset = options.indexOffset ?? 0;
  assertEpsilon(fn, epsilon);
  yield* imagesReads(fn, images, classifier.bounds);
  const y = yield* labelsReads(fn, labels, images.shape[0], classifier.numClasses);
  const stepSize =
    options.stepSize === undefined ? rel * epsilon : positiveNumber(fn, 'stepSize', options.stepSize);
  const source = options.surrogate ?? classifier;
  const [lo, hi] = classifier.bounds;
  const [n, h, w, c] = images.shape;
  const x0 = tf.tidy(() => tf.cast(images, 'float32') as tf.Tensor4D);
  if (epsilon === 0) return x0;

  const project = (x: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      let delta = tf.sub(x, x0) as tf.Tensor4D;
      if (norm === 'linf') delta = tf.clipByValue(delta, -epsilon, epsilon);
      else {
        const factor = tf.minimum(1, tf.div(epsilon, tf.maximum(l2Norms(delta), 1e-12)));
        delta = tf.mul(delta, factor) as tf.Tensor4D;
      }
      return tf.clipByValue(tf.add(x0, delta), lo, hi) as tf.Tensor4D;
    });

  let x: tf.Tensor4D;
  if (useRandomStart) {
    const start = randomStart(norm, n, h * w * c, epsilon, options.seed as number, offset);
    x = tf.tidy(() => tf.clipByValue(tf.add(x0, tf.tensor4d(start, [n, h, w, c])), lo, hi) as tf.Tensor4D);
  } else x = x0.clone();
  try {
    for (let s = 0; s < steps; s++) {
      const next = tf.tidy(() => {
        const g = lossGradient(source, x, y);
        const dir = norm === 'linf' ? tf.sign(g) : tf.div(g, tf.maximum(l2Norms(g), 1e-12));
        return project(tf.add(x, tf.mul(dir, stepSize)) as tf.Tensor4D);
      });
      x.dispose();
      x = next;
    }
  } catch (err) {
    // e.g. a label outside the model's classes, known only once the model has run.
    x.dispose();
    throw err;
  } finally {
    x0.dispose();
  }
  return x;
}
