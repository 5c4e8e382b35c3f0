import * as tf from '@tensorflow/tfjs-core';
import { blendedNoiseReads } from './blended-noise';
import type { Classifier } from './classifier';
import { attackedLabelsReads } from './oracle';
import { PACKAGE, InvalidOptionError } from './errors';
import {
  boundarySearch,
  estimateGradient,
  geometricStep,
  type HsjContext,
  imageDistance,
} from './hop-skip-jump-steps';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { type TensorReads, describeValue, runReadsAsync, runReadsSync } from '@pixsim/core';
import type { BlackBoxNorm } from './square-attack';
import {
  assertClassifier,
  assertOptions,
  imagesReads,
  type Labels,
  positiveInteger,
  positiveNumber,
} from './validate';

/** Options of {@link runHopSkipJump}; defaults are the paper's (steps: foolbox 3's). */
export interface HopSkipJumpOptions {
  /** Seed of every random draw (required): image `i` draws its initial noise from `deriveSeed(seed, 0, indexOffset + i)`, its probes from `deriveSeed(seed, 1, indexOffset + i)`. */
  seed: number;
  /** Threat model, `'l2'` (default) or `'linf'`. */
  norm?: BlackBoxNorm;
  /** Iterations (gradient estimate, step, binary search). Default 64 (foolbox 3; the reference code uses 40). */
  steps?: number;
  /** Probes of the first gradient estimate; iteration t uses `⌊initialProbes·√t⌋`. Default 100. */
  initialProbes?: number;
  /** Most probes per gradient estimate. Default 10,000. */
  maxProbes?: number;
  /** γ of the binary-search threshold θ = γ/(d√d) (L2), γ/d² (L∞) and of the probe radius δ. Default 1. */
  gamma?: number;
  /** Optional query budget: an image starts no iteration once it has spent this many queries. */
  maxQueries?: number;
  /** Optional early stop: an image stops once its distance (the attack's norm) is ≤ this value. */
  targetDistance?: number;
  /** Random noise images tried per image by the initialisation (blended uniform noise). Default 1000. */
  initDirections?: number;
  /** Blending steps of the initialisation's linear search. Default 50. */
  initSteps?: number;
  /** Most rows per model call (the probes of all images are stacked). Default 1000. */
  batchSize?: number;
  /** Labels to move away from. Default: the model's predictions (one query per image, counted). */
  labels?: Labels;
  /** Global index of the first image (per-image random streams independent of batching). Default 0. */
  indexOffset?: number;
}

/** Best distance and queries spent, per image, after the initialisation and after each iteration. */
export interface DistanceHistory {
  /** Distance of the best adversarial so far (the attack's norm); non-increasing. */
  distances: Float64Array;
  /** Queries spent on the image at that point (label prediction and initialisation included). */
  queries: Int32Array;
}

/** Result of {@link runHopSkipJump}. Every array has one entry per image. */
export interface HopSkipJumpResult {
  /** `[N, H, W, C]` closest adversarial per image (the clean image where `success` is false). Dispose it. */
  adversarials: tf.Tensor4D;
  /** True where the initialisation found an adversarial (false: reported, not thrown). */
  success: boolean[];
  /** ‖x' − x‖ in the attack's norm (`Infinity` where `success` is false). */
  distances: Float64Array;
  /** Model queries per image (label prediction, initialisation, iterations). */
  queries: Int32Array;
  /** Iterations each image took part in. */
  steps: Int32Array;
  /** The labels attacked (predictions unless given). */
  labels: Int32Array;
  /** Per image: distance and queries after the initialisation and each iteration (empty where `success` is false). */
  history: DistanceHistory[];
}

/**
 * HopSkipJump (Chen, Jordan & Wainwright 2020), untargeted, decision-based, L2 or L∞: from a blended-noise
 * adversarial projected to the boundary by binary search, each iteration estimates the gradient direction
 * at the boundary from `⌊100·√t⌋` random probes (baseline-subtracted), steps along it by a geometric
 * step-size search from `‖x_t − x‖/√t`, and binary-searches back to the boundary.
 *
 * Batched: every image has its own state, random streams and query count, and the probes of all images
 * are stacked into one model call per step (at most `batchSize` rows each), so an image's result does not
 * depend on its batch. The iterates follow the paper; the result keeps the closest adversarial seen (the
 * last iterate unless an earlier one was closer), so `history` distances never increase.
 *
 * @example
 * ```ts
 * const r = runHopSkipJump(clf, x, { seed: 1, steps: 40, maxQueries: 5000 });
 * robustAccuracyAt(r, { epsilon: 0.5, maxQueries: 1000 }).robustAccuracy;
 * r.adversarials.dispose();
 * ```
 */
export function runHopSkipJump(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: HopSkipJumpOptions,
): HopSkipJumpResult {
  return runReadsSync(hopSkipJumpReads('runHopSkipJump', classifier, images, options));
}

/** {@link runHopSkipJump} with asynchronous reads (`await data()`): same results and errors on every engine. */
export async function runHopSkipJumpAsync(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: HopSkipJumpOptions,
): Promise<HopSkipJumpResult> {
  return runReadsAsync(hopSkipJumpReads('runHopSkipJumpAsync', classifier, images, options));
}

/** {@link runHopSkipJump} as a {@link TensorReads} computation (for composition with `yield*`). */
export function runHopSkipJumpReads(
  classifier: Classifier,
  images: tf.Tensor4D,
  options: HopSkipJumpOptions,
): TensorReads<HopSkipJumpResult> {
  return hopSkipJumpReads('runHopSkipJump', classifier, images, options);
}

interface HsjSettings {
  norm: BlackBoxNorm;
  steps: number;
  initialProbes: number;
  maxProbes: number;
  gamma: number;
  maxQueries: number;
  target: number;
  initDirections: number;
  initSteps: number;
  batchSize: number;
  offset: number;
}

function hsjSettings(fn: string, o: HopSkipJumpOptions): HsjSettings {
  assertOptions(fn, o);
  assertSeed(fn, o?.seed);
  const norm = o.norm ?? 'l2';
  if (norm !== 'linf' && norm !== 'l2') {
    throw new InvalidOptionError(PACKAGE, `${fn}: norm must be 'l2' or 'linf', got ${describeValue(norm)}.`);
  }
  const target = o.targetDistance ?? -1;
  if (o.targetDistance !== undefined && !(typeof target === 'number' && target >= 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: targetDistance must be a number ≥ 0 (or omitted), got ${describeValue(target)}.`,
    );
  }
  const offset = o.indexOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: indexOffset must be an integer ≥ 0, got ${describeValue(offset)}.`,
    );
  }
  return {
    norm,
    steps: positiveInteger(fn, 'steps', o.steps ?? 64),
    initialProbes: positiveInteger(fn, 'initialProbes', o.initialProbes ?? 100),
    maxProbes: positiveInteger(fn, 'maxProbes', o.maxProbes ?? 10000),
    gamma: positiveNumber(fn, 'gamma', o.gamma ?? 1),
    maxQueries:
      o.maxQueries === undefined ? Number.POSITIVE_INFINITY : positiveInteger(fn, 'maxQueries', o.maxQueries),
    target,
    initDirections: positiveInteger(fn, 'initDirections', o.initDirections ?? 1000),
    initSteps: positiveInteger(fn, 'initSteps', o.initSteps ?? 50),
    batchSize: positiveInteger(fn, 'batchSize', o.batchSize ?? 1000),
    offset,
  };
}

/** HopSkipJump as a {@link TensorReads} computation; `fn` names the caller in errors. */
export function* hopSkipJumpReads(
  fn: string,
  classifier: Classifier,
  images: tf.Tensor4D,
  options: HopSkipJumpOptions,
): TensorReads<HopSkipJumpResult> {
  assertClassifier(fn, classifier);
  const s = hsjSettings(fn, options);
  yield* imagesReads(fn, images, classifier.bounds);
  const [n, h, w, c] = images.shape;
  const d = h * w * c;
  const { labels, oracle } = yield* attackedLabelsReads(fn, classifier, images, options.labels);
  const flat = tf.tidy(() => tf.reshape(tf.cast(images, 'float32'), [n * d]));
  let originals: Float32Array;
  try {
    originals = Float32Array.from(yield flat);
  } finally {
    flat.dispose();
  }
  const [lo, hi] = classifier.bounds;
  const stream = (k: number) =>
    Array.from({ length: n }, (_, i) => new SeededRandom(deriveSeed(options.seed, k, s.offset + i)));
  const init = yield* blendedNoiseReads(
    oracle,
    originals,
    n,
    d,
    [lo, hi],
    stream(0),
    s.initDirections,
    s.initSteps,
  );
  const ctx: HsjContext = {
    oracle,
    norm: s.norm,
    d,
    lo,
    hi,
    theta: s.norm === 'l2' ? s.gamma / (d * Math.sqrt(d)) : s.gamma / (d * d),
    batchSize: s.batchSize,
    originals,
    adv: init.starts,
    rngs: stream(1),
  };
  const walk = yield* hsjWalk(ctx, s, init.found);
  const adversarials = tf.tensor4d(walk.best, [n, h, w, c]);
  return {
    adversarials,
    success: Array.from(init.found, (f) => f === 1),
    distances: walk.bestDist,
    queries: oracle.queries,
    steps: walk.steps,
    labels,
    history: walk.history.map((p) => ({
      distances: Float64Array.from(p.distances),
      queries: Int32Array.from(p.queries),
    })),
  };
}

/** The iterations of HopSkipJump from the initialisation in `ctx.adv`; returns the closest adversarials. */
function* hsjWalk(ctx: HsjContext, s: HsjSettings, found: Uint8Array) {
  const { d, adv } = ctx;
  const n = found.length;
  const queries = ctx.oracle.queries;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) dist[i] = found[i] ? imageDistance(ctx, adv, i) : Number.POSITIVE_INFINITY;
  // Images misclassified as they are (distance 0) need no search.
  const moving = Int32Array.from(
    Array.from({ length: n }, (_, i) => i).filter((i) => found[i] && dist[i] > 0),
  );
  yield* boundarySearch(ctx, moving, adv.slice());
  for (const i of moving) dist[i] = imageDistance(ctx, adv, i);
  const best = adv.slice();
  for (let i = 0; i < n; i++) if (!found[i]) best.set(ctx.originals.subarray(i * d, (i + 1) * d), i * d);
  const bestDist = dist.slice();
  const history = Array.from({ length: n }, (_, i) => ({
    distances: found[i] ? [dist[i]] : [],
    queries: found[i] ? [queries[i]] : [],
  }));
  const steps = new Int32Array(n);
  for (let t = 1; t <= s.steps; t++) {
    const rows = Int32Array.from(
      Array.from(moving).filter((i) => queries[i] < s.maxQueries && !(bestDist[i] <= s.target)),
    );
    if (rows.length === 0) break;
    const deltas = Float64Array.from(rows, (i) =>
      t === 1 ? 0.1 * (ctx.hi - ctx.lo) : (s.norm === 'l2' ? Math.sqrt(d) : d) * ctx.theta * dist[i],
    );
    const probes = Math.min(Math.floor(s.initialProbes * Math.sqrt(t)), s.maxProbes);
    const grad = yield* estimateGradient(ctx, rows, probes, deltas);
    if (s.norm === 'linf') for (let k = 0; k < grad.length; k++) grad[k] = Math.sign(grad[k]);
    const xi = Float64Array.from(rows, (i) => dist[i] / Math.sqrt(t));
    const stepped = yield* geometricStep(ctx, rows, grad, xi);
    yield* boundarySearch(ctx, rows, stepped);
    for (const i of rows) {
      dist[i] = imageDistance(ctx, adv, i);
      steps[i]++;
      if (dist[i] < bestDist[i]) {
        bestDist[i] = dist[i];
        best.set(adv.subarray(i * d, (i + 1) * d), i * d);
      }
      history[i].distances.push(bestDist[i]);
      history[i].queries.push(queries[i]);
    }
  }
  return { best, bestDist, steps, history };
}
