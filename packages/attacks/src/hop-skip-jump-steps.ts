import { type DecisionOracle, queryOracleValues } from './oracle';
import type { SeededRandom } from './random';
import type { TensorReads } from '@pixsim/core';
import type { BlackBoxNorm } from './square-attack';

// The three steps of HopSkipJump (Chen et al. 2020) over a batch of images, each with its own state.
// Vector arithmetic runs in JS per image (so an image's numbers do not depend on its batch); the model
// only sees the stacked probes, in model calls of at most `batchSize` rows.

/** The state HopSkipJump's steps share: originals, current boundary points and the model. */
export interface HsjContext {
  oracle: DecisionOracle;
  norm: BlackBoxNorm;
  /** Values per image H·W·C. */
  d: number;
  lo: number;
  hi: number;
  /** Binary-search threshold θ: γ/(d√d) for L2, γ/d² for L∞. */
  theta: number;
  /** Most rows per model call. */
  batchSize: number;
  /** `[N·d]` clean images. */
  originals: Float32Array;
  /** `[N·d]` current boundary points (adversarial). */
  adv: Float32Array;
  /** Per image: the stream of the gradient probes. */
  rngs: readonly SeededRandom[];
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** ‖a − b‖ over one image (`d` values from `o`) in the attack's norm. */
export function imageDistance(ctx: HsjContext, a: Float32Array, i: number): number {
  const { d, originals } = ctx;
  let acc = 0;
  for (let k = i * d; k < (i + 1) * d; k++) {
    const v = Math.abs(a[k] - originals[k]);
    acc = ctx.norm === 'linf' ? Math.max(acc, v) : acc + v * v;
  }
  return ctx.norm === 'linf' ? acc : Math.sqrt(acc);
}

/**
 * Asks the oracle about `count` flattened images (`values`, one row per entry of `images`, which names the
 * image each row belongs to), at most `batchSize` rows per model call.
 */
function* decide(ctx: HsjContext, images: Int32Array, values: Float32Array): TensorReads<Uint8Array> {
  const out = new Uint8Array(images.length);
  for (let s = 0; s < images.length; s += ctx.batchSize) {
    const e = Math.min(images.length, s + ctx.batchSize);
    const rows = images.subarray(s, e);
    out.set(yield* queryOracleValues(ctx.oracle, rows, values.subarray(s * ctx.d, e * ctx.d), ctx.d), s);
  }
  return out;
}

/**
 * Binary search between each image and `perturbed` (adversarial, one row per entry of `rows`) back to the
 * boundary: L2 blends `(1 − α)·x + α·x'` with α ∈ [0, 1], L∞ clips x' to the box `x ± α` with
 * α ∈ [0, ‖x' − x‖∞]; an image searches until `high − low ≤ θ` (L∞: θ·‖x' − x‖∞) or the midpoint stops
 * moving, and only searching images are queried. Writes `project(high)` (adversarial) into `ctx.adv`.
 */
export function* boundarySearch(
  ctx: HsjContext,
  rows: Int32Array,
  perturbed: Float32Array,
): TensorReads<void> {
  const { d, originals } = ctx;
  const m = rows.length;
  const low = new Float64Array(m);
  const high = new Float64Array(m);
  const threshold = new Float64Array(m);
  const previous = new Float64Array(m).fill(Number.NaN);
  for (let r = 0; r < m; r++) {
    if (ctx.norm === 'l2') {
      high[r] = 1;
      threshold[r] = ctx.theta;
    } else {
      let dist = 0;
      for (let k = 0; k < d; k++)
        dist = Math.max(dist, Math.abs(perturbed[r * d + k] - originals[rows[r] * d + k]));
      high[r] = dist;
      threshold[r] = dist * ctx.theta;
    }
  }
  const project = (r: number, alpha: number, out: Float32Array, o: number) => {
    const x = rows[r] * d;
    for (let k = 0; k < d; k++) {
      const p = perturbed[r * d + k];
      const v =
        ctx.norm === 'l2'
          ? (1 - alpha) * originals[x + k] + alpha * p
          : clip(p, originals[x + k] - alpha, originals[x + k] + alpha);
      out[o + k] = clip(v, ctx.lo, ctx.hi);
    }
  };
  const buffer = new Float32Array(m * d);
  let searching = Array.from({ length: m }, (_, r) => r).filter((r) => high[r] - low[r] > threshold[r]);
  while (searching.length > 0) {
    const mids = searching.map((r) => (low[r] + high[r]) / 2);
    searching.forEach((r, j) => {
      project(r, mids[j], buffer, j * d);
    });
    const adversarial = yield* decide(
      ctx,
      Int32Array.from(searching, (r) => rows[r]),
      buffer.subarray(0, searching.length * d),
    );
    const still: number[] = [];
    searching.forEach((r, j) => {
      if (adversarial[j]) high[r] = mids[j];
      else low[r] = mids[j];
      const stuck = mids[j] === previous[r];
      previous[r] = mids[j];
      if (!stuck && high[r] - low[r] > threshold[r]) still.push(r);
    });
    searching = still;
  }
  for (let r = 0; r < m; r++) project(r, high[r], ctx.adv, rows[r] * d);
}

/**
 * Gradient-direction estimate at each image's boundary point (the paper's Monte-Carlo estimate with
 * baseline): `probes` unit directions u_b per image (normal for L2, uniform in [−1, 1]^d for L∞, drawn
 * from the image's stream), probes `clip(x_t + δ·u_b)`, φ_b = ±1 (adversarial or not), and
 * `mean_b (φ_b − φ̄)·u'_b` with `u'_b = (probe − x_t)/δ` (no baseline when all φ_b agree), normalised.
 * @returns `[rows.length·d]` unit directions.
 */
export function* estimateGradient(
  ctx: HsjContext,
  rows: Int32Array,
  probes: number,
  deltas: Float64Array,
): TensorReads<Float64Array> {
  const { d, adv } = ctx;
  const m = rows.length;
  const weighted = new Float64Array(m * d);
  const plain = new Float64Array(m * d);
  const votes = new Float64Array(m);
  const chunk = Math.min(ctx.batchSize, m * probes);
  const buffer = new Float32Array(chunk * d);
  const owners = new Int32Array(chunk);
  const owner = new Int32Array(chunk);
  const u = new Float64Array(d);
  let filled = 0;
  function* flush(): TensorReads<void> {
    const decisions = yield* decide(ctx, owners.subarray(0, filled), buffer.subarray(0, filled * d));
    for (let b = 0; b < filled; b++) {
      const r = owner[b];
      const phi = decisions[b] ? 1 : -1;
      votes[r] += phi;
      const x = rows[r] * d;
      for (let k = 0; k < d; k++) {
        const step = (buffer[b * d + k] - adv[x + k]) / deltas[r];
        weighted[r * d + k] += phi * step;
        plain[r * d + k] += step;
      }
    }
    filled = 0;
  }
  for (let r = 0; r < m; r++) {
    const rng = ctx.rngs[rows[r]];
    const x = rows[r] * d;
    for (let b = 0; b < probes; b++) {
      let sq = 0;
      for (let k = 0; k < d; k++) {
        u[k] = ctx.norm === 'l2' ? rng.normal() : 2 * rng.uniform() - 1;
        sq += u[k] * u[k];
      }
      const f = deltas[r] / Math.max(Math.sqrt(sq), 1e-12);
      for (let k = 0; k < d; k++) buffer[filled * d + k] = clip(adv[x + k] + f * u[k], ctx.lo, ctx.hi);
      owners[filled] = rows[r];
      owner[filled] = r;
      filled++;
      if (filled === chunk) yield* flush();
    }
  }
  if (filled > 0) yield* flush();
  const grad = new Float64Array(m * d);
  for (let r = 0; r < m; r++) {
    const mean = votes[r] / probes;
    const baseline = Math.abs(mean) === 1 ? 0 : mean;
    let sq = 0;
    for (let k = r * d; k < (r + 1) * d; k++) {
      grad[k] = (weighted[k] - baseline * plain[k]) / probes;
      sq += grad[k] * grad[k];
    }
    const norm = Math.max(Math.sqrt(sq), 1e-12);
    for (let k = r * d; k < (r + 1) * d; k++) grad[k] /= norm;
  }
  return grad;
}

/** Halvings of the geometric step search before an image stays where it is (its step fell below float precision). */
const MAX_HALVINGS = 60;

/**
 * Geometric step-size search: from ξ = `steps[r]`, halve ξ until `clip(x_t + ξ·v)` is adversarial
 * (`v` = the gradient estimate for L2, its sign for L∞); each round queries the images still searching.
 * @returns `[rows.length·d]` the accepted points (`x_t` itself for an image that never succeeded).
 */
export function* geometricStep(
  ctx: HsjContext,
  rows: Int32Array,
  update: Float64Array,
  steps: Float64Array,
): TensorReads<Float32Array> {
  const { d, adv } = ctx;
  const m = rows.length;
  const out = new Float32Array(m * d);
  const xi = Float64Array.from(steps);
  const buffer = new Float32Array(m * d);
  let searching = Array.from({ length: m }, (_, r) => r);
  for (let round = 0; searching.length > 0; round++) {
    if (round === MAX_HALVINGS) {
      for (const r of searching) out.set(adv.subarray(rows[r] * d, (rows[r] + 1) * d), r * d);
      break;
    }
    searching.forEach((r, j) => {
      const x = rows[r] * d;
      for (let k = 0; k < d; k++)
        buffer[j * d + k] = clip(adv[x + k] + xi[r] * update[r * d + k], ctx.lo, ctx.hi);
    });
    const ok = yield* decide(
      ctx,
      Int32Array.from(searching, (r) => rows[r]),
      buffer.subarray(0, searching.length * d),
    );
    const still: number[] = [];
    searching.forEach((r, j) => {
      if (ok[j]) out.set(buffer.subarray(j * d, (j + 1) * d), r * d);
      else {
        xi[r] /= 2;
        still.push(r);
      }
    });
    searching = still;
  }
  return out;
}
