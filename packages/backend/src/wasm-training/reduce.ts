import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Mean,
  Sum,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { markOurs, release, reshapeInfo, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * Sum (`scale = 1`) or mean (`scale = 1/M`) of a float32 tensor over a contiguous block of axes that is not
 * the innermost one, e.g. the batch-norm reductions over `[0, 1, 2]` of NHWC activations or global average
 * pooling over `[1, 2]`. The stock kernels transpose the whole tensor first (≈ 10× the cost of one pass);
 * here the tensor is viewed as `[B, M, 1, C]` and averaged by one XNNPACK `AvgPool` with an `M × 1` window,
 * which reads it once (a sum is that mean times `M`). Returns `undefined` when that does not apply (the
 * caller then uses the stock kernel).
 */
function reduceByPool(
  backend: WasmBackendLike,
  x: TensorInfo,
  attrs: SumAttrs,
  mean: boolean,
): TensorInfo | undefined {
  if (x.dtype !== 'float32' || x.shape.length === 0) return undefined;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  if (axes.length === 0) return undefined;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length || last === x.shape.length - 1) return undefined;
  const outer = util.sizeFromShape(x.shape.slice(0, first));
  const reduced = util.sizeFromShape(x.shape.slice(first, last + 1));
  const inner = util.sizeFromShape(x.shape.slice(last + 1));
  if (reduced === 0 || inner === 0 || outer === 0) return undefined;

  const x4 = reshapeInfo(backend, x, [outer, reduced, 1, inner]);
  const product = runWasmKernel(
    backend,
    'AvgPool',
    { x: x4 },
    { filterSize: [reduced, 1], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined as never },
  );
  release(backend, x4);
  if (!mean) {
    const values = backend.typedArrayFromHeap(product) as Float32Array;
    for (let i = 0; i < values.length; i++) values[i] *= reduced;
  }
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const out = reshapeInfo(backend, product, shape);
  release(backend, product);
  return out;
}

/**
 * The reduction of a tensor with no element (a zero-sized axis, e.g. a batch of N = 0): zeros of the
 * output shape, without calling into wasm. The stock kernels return uninitialised heap memory there, or
 * trap with "divide by zero" (a mean whose outer size is 0). Zero is what the `cpu` backend returns for
 * both the sum and the mean of nothing, so results do not depend on the engine. `undefined` when `x`
 * is not empty.
 */
function reduceEmpty(backend: WasmBackendLike, x: TensorInfo, attrs: SumAttrs): TensorInfo | undefined {
  if (util.sizeFromShape(x.shape) !== 0) return undefined;
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const out = backend.makeOutput(shape, x.dtype === 'bool' ? 'int32' : x.dtype);
  if (util.sizeFromShape(shape) > 0) backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/**
 * `Sum` for the wasm backend: {@link reduceByPool} for outer-axis reductions, stock otherwise. The sum
 * over an empty axis (or of an empty tensor) is 0, as on the `cpu` backend.
 */
export function sumWasm(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SumAttrs }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  return (
    reduceEmpty(backend, args.inputs.x, args.attrs) ??
    reduceByPool(backend, args.inputs.x, args.attrs, false) ??
    runWasmKernel(backend, 'Sum', args.inputs, args.attrs as unknown as Record<string, never>)
  );
}

/**
 * `Mean` for the wasm backend: {@link reduceByPool} for outer-axis reductions, stock otherwise. The mean
 * over an empty axis (N = 0) is 0, as on the `cpu` backend: a documented, finite result rather than the
 * stock kernel's uninitialised memory or its "divide by zero" trap.
 */
export function meanWasm(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SumAttrs }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  return (
    reduceEmpty(backend, args.inputs.x, args.attrs) ??
    reduceByPool(backend, args.inputs.x, args.attrs, true) ??
    runWasmKernel(backend, 'Mean', args.inputs, args.attrs as unknown as Record<string, never>)
  );
}

/** Kernel registration for {@link sumWasm}. */
export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: markOurs(sumWasm) as unknown as KernelFunc,
};

/** Kernel registration for {@link meanWasm}. */
export const meanConfig: KernelConfig = {
  kernelName: Mean,
  backendName: 'wasm',
  kernelFunc: markOurs(meanWasm) as unknown as KernelFunc,
};
