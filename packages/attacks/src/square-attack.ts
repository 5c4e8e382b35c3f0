import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from './classifier';
import { PACKAGE, InvalidLabelsError, InvalidOptionError } from './errors';
import { assertSeed, deriveSeed, SeededRandom } from './random';
import { type TensorReads, describeValue, runReadsAsync, runReadsSync } from '@pixsim/core';
import {
  l2Init,
  l2Proposal,
  l2Side,
  linfInit,
  linfProposal,
  linfSide,
  type SquareGeometry,
  squareFraction,
} from './square-windows';
import {
  assertClassifier,
  assertEpsilon,
  assertOptions,
  imagesReads,
  type Labels,
  labelsReads,
  positiveInteger,
} from './validate';

/** Threat model of the black-box attacks: L∞ or L2 balls in image space. */
export type BlackBoxNorm = 'linf' | 'l2';

/** Options of {@link runSquareAttack}; defaults are the paper's. */
export interface SquareAttackOptions {
  /** Seed of every random draw (required); image `i` of restart `r` draws from `deriveSeed(seed, r, indexOffset + i)`. */
  seed: number;
  /** Threat model, `'linf'` (default) or `'l2'`. */
  norm?: BlackBoxNorm;
  /**
   * Query budget of one run per image: the initialisation and `maxQueries − 1` iterations (the clean query
   * that checks the label is not counted, as in the paper). Default 10,000; the schedule of square sizes
   * is the paper's for 10,000, rescaled to this budget.
   */
  maxQueries?: number;
  /** Initial fraction p of pixels changed per iteration. Default 0.05 (L∞) and 0.1 (L2), the paper's ImageNet values. */
  pInit?: number;
  /** Extra runs from a fresh initialisation for images not fooled by the previous one. Default 0 (off). */
  restarts?: number;
  /**
   * Labels to attack (the true classes for a robust accuracy). Default: the model's predictions. Images
   * the model already misclassifies are fooled at distance 0 without an attack query.
   */
  labels?: Labels;
  /** Global index of the first image (per-image random streams independent of batching). Default 0. */
  indexOffset?: number;
  /** Record each image's best margin after the initialisation and after every iteration. Default false. */
  history?: boolean;
}

/** Result of {@link runSquareAttack}. Every array has one entry per image. */
export interface SquareAttackResult {
  /** `[N, H, W, C]` best point per image (an adversarial where `success`, else the lowest margin found). Dispose it. */
  adversarials: tf.Tensor4D;
  /** True where the image is misclassified within ε and the budget (argmax ≠ label). */
  success: boolean[];
  /** Best margin loss `z_y − max_{j≠y} z_j` on the logits (≤ 0 where `success`). */
  margins: Float64Array;
  /** ‖x' − x‖ in the attack's norm where `success` (0 for images misclassified clean), else `Infinity`. */
  distances: Float64Array;
  /** Attack queries per image (initialisations and iterations of every run; the clean query not counted). */
  queries: Int32Array;
  /** Iterations each image took part in (over every run). */
  iterations: Int32Array;
  /** The labels attacked (predictions unless given). */
  labels: Int32Array;
  /** With `history: true`: per image, the best margin after each initialisation and iteration. */
  marginHistory?: Float64Array[];
}

/**
 * Square Attack (Andriushchenko et al. 2020), untargeted, score-based, L∞ or L2: from a random
 * initialisation on the ε-sphere (L∞ vertical stripes, L2 grid of pseudo-Gaussian squares), each iteration
 * changes one random square of side `√(p·H·W)` and keeps the change when the margin loss on the logits
 * decreases; p follows the paper's schedule over the budget. An image stops being queried once it is
 * misclassified. Batched: one model call per iteration for every image still attacked; each image has its
 * own random stream and query count, so its result does not depend on its batch.
 *
 * @example
 * ```ts
 * const r = runSquareAttack(clf, x, 8 / 255, { seed: 1, labels: y, maxQueries: 1000 });
 * robustAccuracyAt(r, { epsilon: 8 / 255 }).robustAccuracy;
 * r.adversarials.dispose();
 * ```
 */
export function runSquareAttack(
  classifier: Classifier,
  images: tf.Tensor4D,
  epsilon: number,
  options: SquareAttackOptions,
): SquareAttackResult {
  return runReadsSync(squareAttackReads('runSquareAttack', classifier, images, epsilon, options));
}

/** {@link runSquareAttack} with asynchronous reads (`await data()`): same results and errors on every engine. */
export async function runSquareAttackAsync(
  classifier: Classifier,
  images: tf.Tensor4D,
  epsilon: number,
  options: SquareAttackOptions,
): Promise<SquareAttackResult> {
  return runReadsAsync(squareAttackReads('runSquareAttackAsync', classifier, images, epsilon, options));
}

/** {@link runSquareAttack} as a {@link TensorReads} computation (for composition with `yield*`). */
export function runSquareAttackReads(
  classifier: Classifier,
  images: tf.Tensor4D,
  epsilon: number,
  options: SquareAttackOptions,
): TensorReads<SquareAttackResult> {
  return squareAttackReads('runSquareAttack', classifier, images, epsilon, options);
}

/** Validated settings of one Square Attack call. */
interface SquareSettings {
  seed: number;
  norm: BlackBoxNorm;
  budget: number;
  pInit: number;
  restarts: number;
  offset: number;
}

/** Checks the options before anything is allocated. */
export function squareSettings(fn: string, epsilon: number, options: SquareAttackOptions): SquareSettings {
  assertOptions(fn, options);
  assertSeed(fn, options?.seed);
  assertEpsilon(fn, epsilon);
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') {
    throw new InvalidOptionError(PACKAGE, `${fn}: norm must be 'linf' or 'l2', got ${describeValue(norm)}.`);
  }
  const budget = positiveInteger(fn, 'maxQueries', options.maxQueries ?? 10000);
  const pInit = options.pInit ?? (norm === 'linf' ? 0.05 : 0.1);
  if (typeof pInit !== 'number' || !(pInit > 0 && pInit <= 1)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pInit is a fraction of pixels and must lie in (0, 1], got ${describeValue(pInit)}. The paper uses 0.05 (L∞), 0.1 (L2).`,
    );
  }
  const restarts = options.restarts ?? 0;
  if (!Number.isInteger(restarts) || restarts < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: restarts must be an integer ≥ 0, got ${describeValue(restarts)}.`,
    );
  }
  const offset = options.indexOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: indexOffset must be an integer ≥ 0, got ${describeValue(offset)}.`,
    );
  }
  if (options.history !== undefined && typeof options.history !== 'boolean') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: history must be true or false, got ${describeValue(options.history)}.`,
    );
  }
  return { seed: options.seed, norm, budget, pInit, restarts, offset };
}

/**
 * Logits of `m` flattened images (one model call): on plain values where the classifier has them, else
 * through a tensor read with the driver; `k` is the logits' width.
 */
function* logitsReads(
  classifier: Classifier,
  values: Float32Array,
  shape: readonly [number, number, number, number],
): TensorReads<{ logits: Float32Array; k: number }> {
  if (classifier.logitsValues) return classifier.logitsValues(values, shape);
  const t = tf.tidy(() => classifier.logits(tf.tensor4d(values, shape as [number, number, number, number])));
  try {
    const logits = Float32Array.from(yield t);
    return { logits, k: t.shape[1] };
  } finally {
    t.dispose();
  }
}

/** Margin `z_y − max_{j≠y} z_j` of one row of logits and whether the argmax (first maximum) differs from y. */
function marginOf(
  logits: Float32Array,
  row: number,
  k: number,
  y: number,
): { margin: number; fooled: boolean } {
  let other = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let j = 0; j < k; j++) {
    const v = logits[row * k + j];
    if (j !== y && v > other) other = v;
    if (v > logits[row * k + arg]) arg = j;
  }
  return { margin: logits[row * k + y] - other, fooled: arg !== y };
}

/** Per-image state of the attack, kept in JS (the model only sees the candidates). */
interface SquareState {
  x: Float32Array;
  best: Float32Array;
  margin: Float64Array;
  fooled: Uint8Array;
  queries: Int32Array;
  iterations: Int32Array;
  history?: number[][];
}

/** The Square Attack as a {@link TensorReads} computation; `fn` names the caller in errors. */
export function* squareAttackReads(
  fn: string,
  classifier: Classifier,
  images: tf.Tensor4D,
  epsilon: number,
  options: SquareAttackOptions,
): TensorReads<SquareAttackResult> {
  assertClassifier(fn, classifier);
  const settings = squareSettings(fn, epsilon, options);
  yield* imagesReads(fn, images, classifier.bounds);
  const [n, h, w, c] = images.shape;
  const d = h * w * c;
  const given =
    options.labels === undefined
      ? undefined
      : yield* labelsReads(fn, options.labels, n, classifier.numClasses);
  const flat = tf.tidy(() => tf.reshape(tf.cast(images, 'float32'), [n * d]));
  let x: Float32Array;
  try {
    x = Float32Array.from(yield flat);
  } finally {
    flat.dispose();
  }
  const clean = yield* logitsReads(classifier, x, [n, h, w, c]);
  const labels = given ?? new Int32Array(n);
  if (given) {
    for (let i = 0; i < n; i++) {
      if (given[i] >= clean.k) {
        throw new InvalidLabelsError(
          PACKAGE,
          `${fn}: label ${i} is ${given[i]}, not a class of a model with ${clean.k} outputs; labels must lie in [0, ${clean.k}).`,
        );
      }
    }
  }
  const state: SquareState = {
    x,
    best: x.slice(),
    margin: new Float64Array(n),
    fooled: new Uint8Array(n),
    queries: new Int32Array(n),
    iterations: new Int32Array(n),
    history: options.history ? Array.from({ length: n }, () => []) : undefined,
  };
  for (let i = 0; i < n; i++) {
    if (!given) labels[i] = argmax(clean.logits, i, clean.k);
    const m = marginOf(clean.logits, i, clean.k, labels[i]);
    state.margin[i] = m.margin;
    state.fooled[i] = m.fooled ? 1 : 0;
  }
  const g: SquareGeometry = { h, w, c, lo: classifier.bounds[0], hi: classifier.bounds[1] };
  if (epsilon > 0) {
    for (let r = 0; r <= settings.restarts; r++) {
      const rows = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => !state.fooled[i]));
      if (rows.length === 0) break;
      yield* squareRun({ classifier, state, settings, epsilon, g, labels }, rows, r);
    }
  }
  const adversarials = tf.tensor4d(state.best, [n, h, w, c]);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    distances[i] = state.fooled[i]
      ? distance(x, state.best, i * d, d, settings.norm)
      : Number.POSITIVE_INFINITY;
  }
  const result: SquareAttackResult = {
    adversarials,
    success: Array.from(state.fooled, (f) => f === 1),
    margins: state.margin,
    distances,
    queries: state.queries,
    iterations: state.iterations,
    labels,
  };
  if (state.history) result.marginHistory = state.history.map((v) => Float64Array.from(v));
  return result;
}

function argmax(logits: Float32Array, row: number, k: number): number {
  let arg = 0;
  for (let j = 1; j < k; j++) if (logits[row * k + j] > logits[row * k + arg]) arg = j;
  return arg;
}

/** ‖b − a‖ over `[o, o + d)` in the given norm. */
export function distance(a: Float32Array, b: Float32Array, o: number, d: number, norm: BlackBoxNorm): number {
  let acc = 0;
  for (let k = o; k < o + d; k++) {
    const v = Math.abs(b[k] - a[k]);
    if (norm === 'linf') acc = Math.max(acc, v);
    else acc += v * v;
  }
  return norm === 'linf' ? acc : Math.sqrt(acc);
}

/** Everything a run needs besides its rows. */
interface SquareContext {
  classifier: Classifier;
  state: SquareState;
  settings: SquareSettings;
  epsilon: number;
  g: SquareGeometry;
  labels: Int32Array;
}

/**
 * One run (restart `r`) over `rows`: initialisation, then iterations until the budget is spent or every
 * row is fooled; only rows not yet fooled are queried. The first run replaces the state's points (the
 * paper starts from the initialisation whatever its margin); a restart replaces an image's best point
 * only when it fools it or reaches a lower margin.
 */
function* squareRun(ctx: SquareContext, rows: Int32Array, r: number): TensorReads<void> {
  const { state, settings, epsilon, g } = ctx;
  const d = g.h * g.w * g.c;
  const m = rows.length;
  const rngs = Array.from(rows, (i) => new SeededRandom(deriveSeed(settings.seed, r, settings.offset + i)));
  const image = (k: number) => state.x.subarray(rows[k] * d, (rows[k] + 1) * d);
  const best = new Float32Array(m * d);
  const at = (buf: Float32Array, k: number) => buf.subarray(k * d, (k + 1) * d);
  const margin = new Float64Array(m);
  const fooled = new Uint8Array(m);
  const init = settings.norm === 'linf' ? linfInit : l2Init;
  for (let k = 0; k < m; k++) init(image(k), at(best, k), epsilon, g, rngs[k]);
  const scores = yield* logitsReads(ctx.classifier, best, [m, g.h, g.w, g.c]);
  for (let k = 0; k < m; k++) {
    const s = marginOf(scores.logits, k, scores.k, ctx.labels[rows[k]]);
    margin[k] = s.margin;
    fooled[k] = s.fooled ? 1 : 0;
    state.queries[rows[k]]++;
    state.history?.[rows[k]].push(s.margin);
  }
  const candidates = new Float32Array(m * d);
  const propose = settings.norm === 'linf' ? linfProposal : l2Proposal;
  let live = Array.from({ length: m }, (_, k) => k).filter((k) => !fooled[k]);
  for (let it = 0; it < settings.budget - 1 && live.length > 0; it++) {
    const p = squareFraction(settings.pInit, it, settings.budget);
    const side = settings.norm === 'linf' ? linfSide(p, g) : l2Side(p, g);
    live.forEach((k, j) => {
      propose(image(k), at(best, k), at(candidates, j), epsilon, side, g, rngs[k]);
    });
    const out = yield* logitsReads(ctx.classifier, candidates.subarray(0, live.length * d), [
      live.length,
      g.h,
      g.w,
      g.c,
    ]);
    live.forEach((k, j) => {
      const i = rows[k];
      const s = marginOf(out.logits, j, out.k, ctx.labels[i]);
      if (s.margin < margin[k] || (s.fooled && s.margin <= margin[k])) {
        at(best, k).set(at(candidates, j));
        margin[k] = s.margin;
        fooled[k] = s.fooled ? 1 : 0;
      }
      state.queries[i]++;
      state.iterations[i]++;
      state.history?.[i].push(margin[k]);
    });
    live = live.filter((k) => !fooled[k]);
  }
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    if (r === 0 || fooled[k] || margin[k] < state.margin[i]) {
      state.best.set(at(best, k), i * d);
      state.margin[i] = margin[k];
      state.fooled[i] = fooled[k];
    }
  }
}
