import {
  div,
  FusedBatchNorm,
  type FusedBatchNormAttrs,
  type GradConfig,
  getBackend,
  getGradient,
  Mean,
  mul,
  type NamedAttrMap,
  registerGradient,
  reshape,
  scalar,
  Sum,
  sub,
  sum,
  type Tensor,
  tensor1d,
  tile,
  util,
  zerosLike,
} from '@tensorflow/tfjs-core';

/** Marks gradient functions of this package (from any copy of it), so registration stays idempotent. */
const OURS = Symbol.for('@pixsim/backend.trainingGradient');

/**
 * The stock gradients ours delegate to on every backend other than `wasm` (and for inputs ours do not
 * cover), captured before ours replace them. Shared on `globalThis` by every copy of this package.
 */
const STOCK_KEY = Symbol.for('@pixsim/backend.stockGradients');
const shared = globalThis as Record<symbol, unknown>;
if (!(shared[STOCK_KEY] instanceof Map)) shared[STOCK_KEY] = new Map<string, GradConfig>();
const stock = shared[STOCK_KEY] as Map<string, GradConfig>;

type GradFunc = GradConfig['gradFunc'];
/** The gradients replaced here all belong to single-output kernels: `dy` is one tensor. */
type SingleGradFunc = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => ReturnType<GradFunc>;

const isFloatChannelVector = (t: Tensor | undefined, channels: number) =>
  t === undefined || (t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32');

/**
 * The batch-norm gradient with 5 full-size kernels instead of 14. With `r = 1/√(σ² + ε)`, `g = γ·r` and
 * the per-channel sums `Σ∂y = Σ ∂L/∂y` and `Σ∂y(x−μ) = Σ ∂L/∂y · (x − μ)` over every axis but the last:
 * `∂L/∂x = ∂L/∂y · g`, `∂L/∂μ = −g · Σ∂y`, `∂L/∂σ² = −½ · g · r² · Σ∂y(x−μ)`, `∂L/∂γ = r · Σ∂y(x−μ)`,
 * `∂L/∂β = Σ∂y` — the same quantities as the stock gradient, which tiles `r` to the activation shape and
 * forms each product separately.
 */
const fusedBatchNormGrad: SingleGradFunc = (dy, saved, attrs) => {
  const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
  const channels = x.shape[x.rank - 1];
  const covered =
    x.rank >= 2 &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    isFloatChannelVector(mean, channels) &&
    isFloatChannelVector(variance, channels) &&
    isFloatChannelVector(scale ?? undefined, channels);
  if (!covered) return stock.get(FusedBatchNorm)!.gradFunc(dy, saved, attrs);
  const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const dySum = sum(dy, axes);
  const dyCentred = sum(mul(dy, sub(x, mean)), axes);
  // The C-vector algebra runs in JS: on wasm reading back C floats costs less than a dozen tiny kernels.
  const v = variance.dataSync();
  const gamma = scale?.dataSync();
  const s = dySum.dataSync();
  const t = dyCentred.dataSync();
  const g = new Float32Array(channels);
  const dMean = new Float32Array(channels);
  const dVariance = new Float32Array(channels);
  const dScale = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt(Math.fround(v[c] + varianceEpsilon));
    g[c] = gamma === undefined ? r : gamma[c] * r;
    dMean[c] = -g[c] * s[c];
    dVariance[c] = -0.5 * g[c] * r * r * t[c];
    dScale[c] = r * t[c];
  }
  return {
    x: () => mul(dy, tensor1d(g)),
    mean: () => tensor1d(dMean),
    variance: () => tensor1d(dVariance),
    scale: () => tensor1d(dScale),
    offset: () => reshape(dySum, mean.shape),
  };
};

/** Shape of `∂L/∂(reduction)` with the reduced axes kept (size 1), and the tiling back to `x`'s shape. */
function expansion(
  xShape: number[],
  axis: NamedAttrMap['axis'],
): { shape: number[]; reps: number[]; reduced: number } {
  const axes = util.parseAxisParam(axis as number | number[], xShape);
  const shape = xShape.slice();
  const reps = xShape.map(() => 1);
  let reduced = 1;
  for (const a of axes) {
    shape[a] = 1;
    reps[a] = xShape[a];
    reduced *= xShape[a];
  }
  // Counted per axis (not as size(x) / size(shape)), so a zero-sized kept axis gives no 0/0.
  return { shape, reps, reduced };
}

/**
 * `∂L/∂x` of a mean over `axes` is `∂L/∂y / M` repeated over the reduced axes: one `Tile` (block copies
 * on wasm) instead of the stock `ones(x.shape)`, a broadcasting multiply and a division, three passes over
 * the activation.
 */
const meanGrad: SingleGradFunc = (dy, saved, attrs) => {
  const [x] = saved;
  if (dy.dtype !== 'float32') return stock.get(Mean)!.gradFunc(dy, saved, attrs);
  const { shape, reps, reduced } = expansion(x.shape, attrs.axis);
  // An empty x (N = 0) has an empty gradient: no division by the zero count.
  if (util.sizeFromShape(x.shape) === 0) return { x: () => zerosLike(x) };
  return { x: () => tile(reshape(div(dy, scalar(reduced)), shape), reps) };
};

/** `∂L/∂x` of a sum: `∂L/∂y` repeated over the reduced axes by one `Tile` (stock: `ones` and a multiply). */
const sumGrad: SingleGradFunc = (dy, saved, attrs) => {
  const [x] = saved;
  if (dy.dtype !== 'float32') return stock.get(Sum)!.gradFunc(dy, saved, attrs);
  const { shape, reps } = expansion(x.shape, attrs.axis);
  return { x: () => tile(reshape(dy, shape), reps) };
};

/** Runs `ours` on the `wasm` backend and the stock gradient everywhere else. */
function onWasm(name: string, ours: SingleGradFunc): GradFunc {
  const func: GradFunc = (dy, saved, attrs) =>
    getBackend() === 'wasm' && !Array.isArray(dy)
      ? ours(dy, saved, attrs)
      : stock.get(name)!.gradFunc(dy, saved, attrs);
  (func as unknown as Record<symbol, boolean>)[OURS] = true;
  return func;
}

/** The gradients this package replaces, by kernel name. */
const GRADIENTS: ReadonlyArray<[string, SingleGradFunc]> = [
  [FusedBatchNorm, fusedBatchNormGrad],
  [Mean, meanGrad],
  [Sum, sumGrad],
];

/** Kernel names whose gradient {@link registerWasmTrainingGradients} replaces. */
export const wasmTrainingGradientNames: readonly string[] = GRADIENTS.map(([name]) => name);

/**
 * Replaces the gradients of `FusedBatchNorm`, `Mean` and `Sum` by versions with fewer full-size kernels
 * when the active backend is `wasm` (gradients are global in tfjs; on any other backend, and for inputs
 * they do not cover, the stock gradient runs unchanged). Idempotent.
 */
export function registerWasmTrainingGradients(): void {
  for (const [name, ours] of GRADIENTS) {
    const current = getGradient(name);
    if (current == null) continue;
    if ((current.gradFunc as unknown as Record<symbol, boolean>)[OURS] === true) continue;
    stock.set(name, current);
    registerGradient({ ...current, gradFunc: onWasm(name, ours) });
  }
}

/** Whether the gradients of {@link wasmTrainingGradientNames} are currently this package's. */
export function wasmTrainingGradientsRegistered(): boolean {
  return GRADIENTS.every(
    ([name]) => (getGradient(name)?.gradFunc as unknown as Record<symbol, boolean>)?.[OURS] === true,
  );
}
