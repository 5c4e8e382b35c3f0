/**
 * The paths of the wasm `Conv2DBackpropFilter` kernel (`conv2DBackpropFilterWasm`):
 * - `'simd'`: the generated WebAssembly SIMD kernel (output channels a multiple of 4; every ResNet layer);
 * - `'pointwise'`: 1×1 filters, a gather + `BatchMatMul`;
 * - `'shifted'`: shifted-view products on a zero-padded grid;
 * - `'convolution'`: one big-filter XNNPACK convolution;
 * - `'empty'`: no output position (the gradient is zero).
 */
export type FilterGradientPath = 'simd' | 'pointwise' | 'shifted' | 'convolution' | 'empty';

// One counter per process, kept on globalThis: the kernel may be registered by one copy of this package
// (e.g. the CommonJS side-effect entry) and read through another (the ESM main entry).
const KEY = Symbol.for('@pixsim/backend/filter-gradient-paths');
const holder = globalThis as { [KEY]?: Record<FilterGradientPath, number> };
holder[KEY] ??= { simd: 0, pointwise: 0, shifted: 0, convolution: 0, empty: 0 };
const counts = holder[KEY];

/** Counts one call of `path` (internal). */
export function recordFilterGradientPath(path: FilterGradientPath): void {
  counts[path] += 1;
}

/**
 * How many times each path of the wasm filter-gradient kernel ran in this process since it started (or
 * since {@link resetFilterGradientPaths}). Lets a training log say which kernel computed its weight
 * gradients, so that two runs that differ in float rounding can be told apart from their output.
 */
export function filterGradientPaths(): Readonly<Record<FilterGradientPath, number>> {
  return { ...counts };
}

/** Sets every count of {@link filterGradientPaths} back to 0. */
export function resetFilterGradientPaths(): void {
  for (const key of Object.keys(counts) as FilterGradientPath[]) counts[key] = 0;
}
