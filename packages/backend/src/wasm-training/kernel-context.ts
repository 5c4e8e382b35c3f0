import { backend_util, getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError, WasmBackendNotLoadedError } from '../errors';

/**
 * The part of the wasm backend (`BackendWasm` of `@tensorflow/tfjs-backend-wasm`) that the training
 * kernels use. Declared here so that this package never imports the wasm backend at type level.
 */
export interface WasmBackendLike {
  dataIdMap: {
    get(dataId: object): { id: number; refCount: number; memoryOffset: number } | undefined;
    delete(dataId: object): boolean;
  };
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  wasm: { tfjs: { disposeData(id: number): void } };
}

/** A kernel function's argument as the engine passes it to a wasm kernel. */
export interface WasmKernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

type WasmKernelFunc = (args: WasmKernelArgs) => TensorInfo | TensorInfo[];

/** Marks kernel functions of this package, so that they are never mistaken for stock ones. */
const OURS = Symbol.for('@pixsim/backend.trainingKernel');

/**
 * The stock wasm kernels the training kernels are built from, captured before ours replace them. Kept on
 * `globalThis` so that every copy of this package in a process (ESM and CJS builds) shares it.
 */
const STOCK_KEY = Symbol.for('@pixsim/backend.stockWasmKernels');
const shared = globalThis as Record<symbol, unknown>;
if (!(shared[STOCK_KEY] instanceof Map)) shared[STOCK_KEY] = new Map<string, WasmKernelFunc>();
const stock = shared[STOCK_KEY] as Map<string, WasmKernelFunc>;

/** Tags `func` as one of this package's kernels (see {@link isOurKernel}). */
export function markOurs<F extends object>(func: F): F {
  (func as Record<symbol, boolean>)[OURS] = true;
  return func;
}

/** Whether `func` is one of this package's kernels (from any copy of the package). */
export function isOurKernel(func: unknown): boolean {
  return typeof func === 'function' && (func as unknown as Record<symbol, boolean>)[OURS] === true;
}

/** Remembers the kernel currently registered under `name` for `wasm` as the stock implementation. */
export function captureStockKernel(name: string): boolean {
  const config = getKernel(name, 'wasm');
  if (config != null && !isOurKernel(config.kernelFunc)) {
    stock.set(name, config.kernelFunc as unknown as WasmKernelFunc);
  }
  return stock.has(name);
}

/**
 * Runs a wasm kernel directly (no engine bookkeeping): the result is owned by the caller, who must
 * {@link release} it or return it from a kernel. Stock kernels captured by {@link captureStockKernel}
 * take precedence so that an overridden kernel can still call the original.
 */
export function runWasmKernel(
  backend: WasmBackendLike,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const func = stock.get(name) ?? getKernel(name, 'wasm')?.kernelFunc;
  if (func == null) {
    throw new WasmBackendNotLoadedError(
      `the wasm kernel '${name}' is not registered; import '@tensorflow/tfjs-backend-wasm' before running the training kernels.`,
    );
  }
  return (func as (args: WasmKernelArgs) => TensorInfo)({ inputs, backend, attrs });
}

/** Drops one reference to an intermediate result made by {@link runWasmKernel}. */
export function release(backend: WasmBackendLike, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A reshape that shares `x`'s data (its reference count is raised, so release it as usual). */
export function reshapeInfo(backend: WasmBackendLike, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Explicit NHWC padding as the `Conv2D` kernel takes it. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Prepares `x` for a convolution that needs `top`/`bottom`/`left`/`right` rows and columns of zero
 * padding on the spatial axes 1 and 2, where a negative amount means "drop that many". Rows to drop are
 * cropped with `Slice`; rows to add are returned as the explicit padding for the convolution itself (no
 * copy). The returned tensor is a new reference that the caller must release.
 */
export function cropForConv(
  backend: WasmBackendLike,
  x: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: TensorInfo; pad: ExplicitPad } {
  const pad: ExplicitPad = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) {
    backend.incRef(x.dataId);
    return { x, pad };
  }
  const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
  const size = [
    x.shape[0],
    x.shape[1] - begin[1] - Math.max(0, -bottom),
    x.shape[2] - begin[2] - Math.max(0, -right),
    x.shape[3],
  ];
  return { x: runWasmKernel(backend, 'Slice', { x }, { begin, size }), pad };
}

/**
 * A float32 tensor that aliases `shape`-many elements of `owner`'s buffer from element `offset` on (no copy).
 * It must be dropped with {@link dropHeapView}, never released: disposing it through the backend would
 * `free` a pointer into the middle of `owner`'s allocation. `owner` must outlive the view.
 */
export function heapView(
  backend: WasmBackendLike,
  owner: TensorInfo,
  offset: number,
  shape: number[],
): TensorInfo {
  const data = backend.dataIdMap.get(owner.dataId);
  if (data === undefined) throw new Error('heapView: the owner tensor has no data on the wasm backend');
  return backend.makeOutput(shape, 'float32', data.memoryOffset + 4 * offset);
}

/** Unregisters a view made by {@link heapView} without freeing the memory it aliases. */
export function dropHeapView(backend: WasmBackendLike, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  if (data === undefined) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/**
 * The geometry of the forward convolution behind a convolution-gradient kernel (`Conv2DBackpropInput`,
 * `Conv2DBackpropFilter`), after checking that the data are NHWC, the only layout these kernels take.
 *
 * @throws {UnsupportedKernelInputError} for `NCHW` data.
 */
export function nhwcConvInfo(
  kernel: string,
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): backend_util.Conv2DInfo {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') {
    throw new UnsupportedKernelInputError(
      `${kernel} on wasm supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'; transpose the tensors to NHWC first.`,
    );
  }
  return backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
}
