import type { SeededRandom } from './random';

// The Square Attack's sampling (Andriushchenko et al. 2020), in JS on one image at a time: every draw
// comes from the image's own stream, so an image's run does not depend on its batch. Images are
// flattened `[H, W, C]` (channels last): value (row, col, ch) sits at `(row·W + col)·C + ch`.

/** Geometry and bounds of the images of one run. */
export interface SquareGeometry {
  h: number;
  w: number;
  c: number;
  lo: number;
  hi: number;
}

/** Rounds half to even, as Python's `round` (the reference rounds the side length with it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The fraction p of pixels changed at iteration `i` (0-based) of a run of `budget` queries: p_init,
 * halved when `⌊i/budget·10000⌋` passes 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 (the paper's
 * schedule for 10,000 queries, rescaled to the budget).
 */
export function squareFraction(pInit: number, i: number, budget: number): number {
  const it = Math.floor((i / budget) * 10000);
  const steps = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let halvings = 0;
  for (const s of steps) if (it > s) halvings++;
  return pInit / 2 ** halvings;
}

/** Side of the L∞ square: `round(√(p·H·W))`, at least 1 and at most `min(H, W) − 1` (when that is ≥ 1). */
export function linfSide(p: number, g: SquareGeometry): number {
  return Math.max(1, Math.min(roundHalfEven(Math.sqrt(p * g.h * g.w)), Math.min(g.h, g.w) - 1));
}

/** Side of the L2 squares: `round(√(p·H·W))`, at least 3, made odd, at most `min(H, W)`. */
export function l2Side(p: number, g: SquareGeometry): number {
  let s = Math.max(roundHalfEven(Math.sqrt(p * g.h * g.w)), 3);
  if (s % 2 === 0) s += 1;
  return Math.min(s, g.h, g.w);
}

/** Uniform integer in `[0, k)`. */
function randInt(rng: SeededRandom, k: number): number {
  return Math.floor(rng.uniform() * k);
}

function clip(v: number, g: SquareGeometry): number {
  return Math.min(Math.max(v, g.lo), g.hi);
}

/**
 * L∞ initialisation, vertical stripes: for each column and channel (column-major, then channel) one sign
 * `u < 0.5 ? −ε : +ε`, the same down the whole column. Writes `clip(x + δ)` into `out`.
 */
export function linfInit(
  x: Float32Array,
  out: Float32Array,
  epsilon: number,
  g: SquareGeometry,
  rng: SeededRandom,
): void {
  for (let col = 0; col < g.w; col++) {
    for (let ch = 0; ch < g.c; ch++) {
      const delta = rng.uniform() < 0.5 ? -epsilon : epsilon;
      for (let row = 0; row < g.h; row++) {
        const k = (row * g.w + col) * g.c + ch;
        out[k] = clip(x[k] + delta, g);
      }
    }
  }
}

/** Redraws of an L∞ square that leaves the image unchanged before the last draw is kept (ε below float precision). */
const MAX_SIGN_DRAWS = 100;

/**
 * One L∞ proposal: a square of side `s` at a uniform position (row, then column, each in `[0, side − s]`)
 * set to `clip(x ± ε)` with one sign per channel, redrawn while the square would change nothing.
 * Writes the proposal (`best` outside the square) into `out`.
 */
export function linfProposal(
  x: Float32Array,
  best: Float32Array,
  out: Float32Array,
  epsilon: number,
  s: number,
  g: SquareGeometry,
  rng: SeededRandom,
): void {
  out.set(best);
  const r0 = randInt(rng, g.h - s + 1);
  const c0 = randInt(rng, g.w - s + 1);
  const signs = new Float64Array(g.c);
  for (let draw = 0; draw < MAX_SIGN_DRAWS; draw++) {
    for (let ch = 0; ch < g.c; ch++) signs[ch] = rng.uniform() < 0.5 ? -epsilon : epsilon;
    let changed = false;
    for (let row = r0; row < r0 + s; row++) {
      for (let col = c0; col < c0 + s; col++) {
        for (let ch = 0; ch < g.c; ch++) {
          const k = (row * g.w + col) * g.c + ch;
          out[k] = clip(x[k] + signs[ch], g);
          if (out[k] !== best[k]) changed = true;
        }
      }
    }
    if (changed) return;
  }
}

/**
 * Concentric rectangles of weight `Σ_{k ≥ max(|i − ⌊r/2⌋|, |j − ⌊c/2⌋|)} 1/(k+1)²` on an `r × c` grid,
 * normalised to unit L2 norm (zero grid for an empty one).
 */
function rectangles(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const kMax = Math.max(rows >> 1, cols >> 1) + 1;
  let sq = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let v = 0;
      for (let k = Math.max(Math.abs(i - (rows >> 1)), Math.abs(j - (cols >> 1))); k < kMax; k++)
        v += 1 / (k + 1) ** 2;
      out[i * cols + j] = v;
      sq += v * v;
    }
  }
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * The paper's `s × s` pseudo-Gaussian perturbation: the top `⌊s/2⌋` rows a positive, the bottom rows a
 * negative {@link rectangles} pattern, normalised to unit L2 norm, transposed when `transpose` is set.
 */
export function pseudoGaussian(s: number, transpose: boolean): Float64Array {
  const top = s >> 1;
  const a = rectangles(top, s);
  const b = rectangles(s - top, s);
  const out = new Float64Array(s * s);
  out.set(a);
  for (let i = 0; i < b.length; i++) out[top * s + i] = -b[i];
  let sq = 0;
  for (const v of out) sq += v * v;
  const norm = Math.sqrt(sq);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  if (!transpose) return out;
  const t = new Float64Array(s * s);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) t[j * s + i] = out[i * s + j];
  return t;
}

/** Draws a pseudo-Gaussian square: one uniform decides the transposition (`u > 0.5`). */
function drawPseudoGaussian(s: number, rng: SeededRandom): Float64Array {
  return pseudoGaussian(s, rng.uniform() > 0.5);
}

/** Writes `clip(x + ε·δ/‖δ‖₂)` into `out` (`x` itself where δ = 0). */
function scaleToSphere(
  x: Float32Array,
  delta: Float64Array,
  out: Float32Array,
  epsilon: number,
  g: SquareGeometry,
): void {
  let sq = 0;
  for (const v of delta) sq += v * v;
  const f = sq > 0 ? epsilon / Math.sqrt(sq) : 0;
  for (let k = 0; k < x.length; k++) out[k] = clip(x[k] + delta[k] * f, g);
}

/**
 * L2 initialisation: a grid of up to 5 × 5 squares of side `s = max(1, ⌊min(H, W)/5⌋)`, centred, each a
 * pseudo-Gaussian (one transposition draw per square) with one random sign per channel (`u < 0.5 ? −1 : 1`),
 * the whole perturbation scaled to L2 norm ε. Writes `clip(x + δ)` into `out`.
 */
export function l2Init(
  x: Float32Array,
  out: Float32Array,
  epsilon: number,
  g: SquareGeometry,
  rng: SeededRandom,
): void {
  const s = Math.max(1, Math.floor(Math.min(g.h, g.w) / 5));
  const nh = Math.min(5, Math.floor(g.h / s));
  const nw = Math.min(5, Math.floor(g.w / s));
  const r0 = (g.h - nh * s) >> 1;
  const c0 = (g.w - nw * s) >> 1;
  const delta = new Float64Array(x.length);
  for (let gi = 0; gi < nh; gi++) {
    for (let gj = 0; gj < nw; gj++) {
      const pattern = drawPseudoGaussian(s, rng);
      for (let ch = 0; ch < g.c; ch++) {
        const sign = rng.uniform() < 0.5 ? -1 : 1;
        for (let i = 0; i < s; i++) {
          for (let j = 0; j < s; j++) {
            const k = ((r0 + gi * s + i) * g.w + c0 + gj * s + j) * g.c + ch;
            delta[k] += sign * pattern[i * s + j];
          }
        }
      }
    }
  }
  scaleToSphere(x, delta, out, epsilon, g);
}

/**
 * One L2 proposal (the paper's Algorithm 3): windows W1, W2 of side `s` at uniform positions (W1 row,
 * W1 column, W2 row, W2 column); in W1, per channel, a pseudo-Gaussian with a random sign plus the old
 * W1 perturbation normalised, rescaled to use the budget left `√(max(ε² − ‖δ‖², 0)/C + ‖δ_{W1∪W2}‖²)`;
 * W2 outside W1 zeroed; the whole perturbation rescaled to norm ε. Writes `clip(x + δ')` into `out`.
 */
export function l2Proposal(
  x: Float32Array,
  best: Float32Array,
  out: Float32Array,
  epsilon: number,
  s: number,
  g: SquareGeometry,
  rng: SeededRandom,
): void {
  const r1 = randInt(rng, g.h - s + 1);
  const c1 = randInt(rng, g.w - s + 1);
  const r2 = randInt(rng, g.h - s + 1);
  const c2 = randInt(rng, g.w - s + 1);
  const pattern = drawPseudoGaussian(s, rng);
  const signs = Array.from({ length: g.c }, () => (rng.uniform() < 0.5 ? -1 : 1));
  const delta = new Float64Array(x.length);
  let image = 0;
  for (let k = 0; k < x.length; k++) {
    delta[k] = best[k] - x[k];
    image += delta[k] * delta[k];
  }
  const in1 = (row: number, col: number) => row >= r1 && row < r1 + s && col >= c1 && col < c1 + s;
  const in2 = (row: number, col: number) => row >= r2 && row < r2 + s && col >= c2 && col < c2 + s;
  const window1 = new Float64Array(g.c);
  const union = new Float64Array(g.c);
  for (let row = 0; row < g.h; row++) {
    for (let col = 0; col < g.w; col++) {
      const a = in1(row, col);
      if (!a && !in2(row, col)) continue;
      for (let ch = 0; ch < g.c; ch++) {
        const v = delta[(row * g.w + col) * g.c + ch] ** 2;
        union[ch] += v;
        if (a) window1[ch] += v;
      }
    }
  }
  const spare = Math.max(epsilon * epsilon - image, 0) / g.c;
  const fresh = new Float64Array(s * s);
  for (let ch = 0; ch < g.c; ch++) {
    const old = 1e-10 + Math.sqrt(window1[ch]);
    let sq = 0;
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        const v = pattern[i * s + j] * signs[ch] + delta[((r1 + i) * g.w + c1 + j) * g.c + ch] / old;
        fresh[i * s + j] = v;
        sq += v * v;
      }
    }
    const f = sq > 0 ? Math.sqrt(spare + union[ch]) / Math.sqrt(sq) : 0;
    for (let row = r2; row < r2 + s; row++)
      for (let col = c2; col < c2 + s; col++) delta[(row * g.w + col) * g.c + ch] = 0;
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) delta[((r1 + i) * g.w + c1 + j) * g.c + ch] = fresh[i * s + j] * f;
  }
  scaleToSphere(x, delta, out, epsilon, g);
}
