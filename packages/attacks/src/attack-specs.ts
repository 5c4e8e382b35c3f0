import type * as tf from '@tensorflow/tfjs-core';
import { type BoundaryAttackOptions, boundaryAttackReads } from './boundary-attack';
import type { Classifier } from './classifier';
import { fgsmReads } from './fgsm';
import { addNoiseReads, type NoiseClamp, type NoiseKind } from './noise';
import { noiseSweep } from './noise-sweep';
import { type PgdOptions, pgdReads } from './pgd';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { assertClassifier, assertOptions } from './validate';
import type { ImageShape } from './values-model';

/** Randomness of one attack run inside an evaluation: a seed and the global index of the batch's first image. */
export interface AttackContext {
  seed: number;
  indexOffset: number;
}

/** An attack with a budget ε that returns perturbed images (noise, FGSM, PGD). */
export interface PerturbationAttack {
  readonly kind: 'perturbation';
  /** Short name for reports, e.g. `'gaussian-noise'`. */
  readonly name: string;
  /** Perturbed images `[N, H, W, C]` at budget ε (the caller disposes them). */
  perturb(
    classifier: Classifier,
    images: tf.Tensor4D,
    labels: Int32Array,
    epsilon: number,
    context: AttackContext,
  ): tf.Tensor4D;
  /**
   * {@link PerturbationAttack.perturb} as a {@link TensorReads} computation, which `robustnessCurveAsync`
   * runs with `await data()`. The built-in attacks have it; without it an attack runs synchronously.
   */
  perturbReads?(
    classifier: Classifier,
    images: tf.Tensor4D,
    labels: Int32Array,
    epsilon: number,
    context: AttackContext,
  ): TensorReads<tf.Tensor4D>;
  /**
   * The perturbed batch at each budget of `epsilons` in turn, on plain row-major values (`shape`
   * `[N, H, W, C]`), bit for bit what {@link PerturbationAttack.perturb} returns for each ε, without a tfjs
   * tensor. `robustnessCurve` uses it with a classifier that has `logitsValues` (onnxruntime-node). May
   * yield `values` itself where the batch is unchanged, and one buffer overwritten at each step: use each
   * yielded batch before resuming. The noise attacks have it.
   */
  perturbValues?(
    classifier: Classifier,
    values: Float32Array,
    shape: ImageShape,
    labels: Int32Array,
    epsilons: readonly number[],
    context: AttackContext,
  ): Iterable<Float32Array>;
}

/** Per-image outcome of a minimisation attack. */
export interface MinimizationOutcome {
  success: boolean[];
  /** L2 distance in image space (`Infinity` where not successful). */
  distances: Float64Array;
  queries: Int32Array;
}

/** An attack that searches the smallest adversarial perturbation (the Boundary Attack), measured in L2. */
export interface MinimizationAttack {
  readonly kind: 'minimization';
  readonly name: string;
  /** Attacks the classifier's own predictions of `images`. */
  minimize(classifier: Classifier, images: tf.Tensor4D, context: AttackContext): MinimizationOutcome;
  /** {@link MinimizationAttack.minimize} as a {@link TensorReads} computation (see {@link PerturbationAttack.perturbReads}). */
  minimizeReads?(
    classifier: Classifier,
    images: tf.Tensor4D,
    context: AttackContext,
  ): TensorReads<MinimizationOutcome>;
}

/** A perturbation attack from its {@link TensorReads} form: `perturb` runs it with synchronous reads. */
function perturbation(
  name: string,
  perturbReads: NonNullable<PerturbationAttack['perturbReads']>,
): PerturbationAttack {
  return {
    kind: 'perturbation',
    name,
    perturb: (classifier, images, labels, epsilon, context) =>
      runReadsSync(perturbReads(classifier, images, labels, epsilon, context)),
    perturbReads,
  };
}

/** Either kind of attack accepted by `robustnessCurve`. */
export type Attack = PerturbationAttack | MinimizationAttack;

/** Options of the noise attack descriptors. */
export interface NoiseAttackOptions {
  /** Clamp policy, default `'image'` (the paper's). `'bounds'` clamps to the classifier's bounds. */
  clamp?: NoiseClamp;
}

function noiseAttack(kind: NoiseKind, options: NoiseAttackOptions): PerturbationAttack {
  assertOptions(`${kind}NoiseAttack`, options);
  const attack = perturbation(`${kind}-noise`, (classifier, images, _labels, epsilon, context) =>
    addNoiseReads(kind, images, epsilon, {
      seed: context.seed,
      indexOffset: context.indexOffset,
      clamp: options.clamp,
      bounds: classifier.bounds,
    }),
  );
  return {
    ...attack,
    perturbValues: (classifier, values, shape, _labels, epsilons, context) =>
      noiseSweep(kind, values, shape, epsilons, {
        seed: context.seed,
        indexOffset: context.indexOffset,
        clamp: options.clamp,
        bounds: classifier.bounds,
      }),
  };
}

/** Gaussian noise `x + ε·N(0, 1)` as an attack for `robustnessCurve`. */
export function gaussianNoiseAttack(options: NoiseAttackOptions = {}): PerturbationAttack {
  return noiseAttack('gaussian', options);
}

/** Uniform noise `x + ε·U(−1, 1)` as an attack for `robustnessCurve`. */
export function uniformNoiseAttack(options: NoiseAttackOptions = {}): PerturbationAttack {
  return noiseAttack('uniform', options);
}

/** Salt-and-pepper noise with probability ε as an attack for `robustnessCurve`. */
export function saltAndPepperNoiseAttack(options: NoiseAttackOptions = {}): PerturbationAttack {
  return noiseAttack('salt-and-pepper', options);
}

/**
 * FGSM (L∞) as an attack for `robustnessCurve`: white-box, or transferred when `surrogate` is given
 * (the paper's black-box FGSM: gradients of an unregularized model, applied to the target).
 */
export function fgsmAttack(options: { surrogate?: Classifier } = {}): PerturbationAttack {
  assertOptions('fgsmAttack', options);
  if (options.surrogate !== undefined) assertClassifier('fgsmAttack', options.surrogate, 'options.surrogate');
  return perturbation(
    options.surrogate ? 'transferred-fgsm' : 'fgsm',
    (classifier, images, labels, epsilon) =>
      fgsmReads(classifier, images, labels, epsilon, { surrogate: options.surrogate }),
  );
}

/** PGD (L∞ or L2) as an attack for `robustnessCurve`; the random start is seeded per repeat. */
export function pgdAttack(options: Omit<PgdOptions, 'seed' | 'indexOffset'> = {}): PerturbationAttack {
  assertOptions('pgdAttack', options);
  if (options.surrogate !== undefined) assertClassifier('pgdAttack', options.surrogate, 'options.surrogate');
  const norm = options.norm ?? 'linf';
  return perturbation(
    `${options.surrogate ? 'transferred-' : ''}pgd-${norm}`,
    (classifier, images, labels, epsilon, context) =>
      pgdReads(classifier, images, labels, epsilon, {
        ...options,
        seed: context.seed,
        indexOffset: context.indexOffset,
      }),
  );
}

/**
 * The Boundary Attack as a minimisation attack for `robustnessCurve` (untargeted against the model's own
 * predictions, as in the paper; pass `{ steps: 50 }` for the paper's setting).
 */
export function boundaryAttack(
  options: Omit<BoundaryAttackOptions, 'seed' | 'labels' | 'indexOffset'> = {},
): MinimizationAttack {
  assertOptions('boundaryAttack', options);
  function* minimizeReads(
    classifier: Classifier,
    images: tf.Tensor4D,
    context: AttackContext,
  ): TensorReads<MinimizationOutcome> {
    const r = yield* boundaryAttackReads('runBoundaryAttack', classifier, images, {
      ...options,
      seed: context.seed,
      indexOffset: context.indexOffset,
    });
    r.adversarials.dispose();
    return { success: r.success, distances: r.distances, queries: r.queries };
  }
  return {
    kind: 'minimization',
    name: 'boundary-attack',
    minimize: (classifier, images, context) => runReadsSync(minimizeReads(classifier, images, context)),
    minimizeReads,
  };
}
