import {
  type KernelConfig,
  type KernelFunc,
  Slice,
  type SliceAttrs,
  slice_util,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { markOurs, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * Copies the box `[begin, begin + size)` of `input` (shape `inShape`) into `out`, row-major. Trailing
 * axes taken whole are contiguous in both arrays, so each innermost run is one `set` (a `memmove`).
 */
export function sliceInto(
  input: ArrayLike<number> & { subarray(begin: number, end: number): ArrayLike<number> },
  inShape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = inShape.length;
  if (rank === 0 || util.sizeFromShape(size as number[]) === 0) {
    if (rank === 0) out.set(input.subarray(0, 1) as never, 0);
    return;
  }
  const inStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  inStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) {
    inStride[a] = inStride[a + 1] * inShape[a + 1];
    outStride[a] = outStride[a + 1] * size[a + 1];
  }
  // The outermost axis from which on everything is taken whole: one contiguous run per index above it.
  let last = rank - 1;
  while (last > 0 && begin[last] === 0 && size[last] === inShape[last]) last--;
  const run = size[last] * inStride[last];
  const copy = (axis: number, inOffset: number, outOffset: number): void => {
    if (axis === last) {
      const from = inOffset + begin[axis] * inStride[axis];
      out.set(input.subarray(from, from + run) as never, outOffset);
      return;
    }
    for (let i = 0; i < size[axis]; i++) {
      copy(axis + 1, inOffset + (begin[axis] + i) * inStride[axis], outOffset + i * outStride[axis]);
    }
  };
  copy(0, 0, 0);
}

/**
 * `Slice` for the wasm backend: contiguous runs copied on the wasm heap (see {@link sliceInto}). The stock
 * kernel copies element by element through computed indices; it is the gradient of the explicit zero
 * padding of stride-2 convolutions and cost ~4 ms per call on a [64, 30, 30, 8] activation. Strings fall
 * back to the stock kernel.
 */
export function sliceWasm(args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: SliceAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs;
  if (x.dtype === 'string') {
    return runWasmKernel(backend, 'Slice', { x }, args.attrs as unknown as Record<string, number[]>);
  }
  const [begin, size] = slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
  slice_util.assertParamsValid(x, begin, size);
  const out = backend.makeOutput(size, x.dtype);
  // Views are taken after allocation: growing the heap replaces its buffer.
  sliceInto(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

/** Kernel registration for {@link sliceWasm}. */
export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'wasm',
  kernelFunc: markOurs(sliceWasm) as unknown as KernelFunc,
};
