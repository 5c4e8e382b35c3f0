import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Tile,
  type TileAttrs,
  util,
} from '@tensorflow/tfjs-core';
import { markOurs, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * Copies `input` (shape `inShape`) tiled `reps` times into `out` (shape `inShape[i]·reps[i]`), row-major.
 * Each axis first writes one copy of its sub-block and then replicates that contiguous chunk with
 * `copyWithin` in doubling steps, so the work is a handful of `memmove`s instead of a per-element index
 * computation.
 */
export function tileInto(
  input: ArrayLike<number> & { subarray(begin: number, end: number): ArrayLike<number> },
  inShape: number[],
  reps: number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = inShape.length;
  const outShape = inShape.map((d, i) => d * reps[i]);
  const inStrides = util.computeStrides(inShape);
  const outStrides = util.computeStrides(outShape);
  const inStride = (axis: number) => (axis < rank - 1 ? inStrides[axis] : 1);
  const outStride = (axis: number) => (axis < rank - 1 ? outStrides[axis] : 1);
  // Trailing axes that are not repeated are contiguous in both input and output: copy them in one go.
  let firstPlain = rank;
  while (firstPlain > 0 && reps[firstPlain - 1] === 1) firstPlain--;
  const fill = (axis: number, inOffset: number, outOffset: number): void => {
    if (axis === firstPlain) {
      const size = axis === 0 ? util.sizeFromShape(inShape) : inStride(axis - 1);
      out.set(input.subarray(inOffset, inOffset + size) as never, outOffset);
      return;
    }
    for (let i = 0; i < inShape[axis]; i++) {
      fill(axis + 1, inOffset + i * inStride(axis), outOffset + i * outStride(axis));
    }
    const chunk = inShape[axis] * outStride(axis);
    const total = chunk * reps[axis];
    let filled = chunk;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      out.copyWithin(outOffset + filled, outOffset, outOffset + n);
      filled += n;
    }
  };
  if (util.sizeFromShape(outShape) > 0) fill(0, 0, 0);
}

/**
 * `Tile` for the wasm backend: block copies on the wasm heap (see {@link tileInto}). The stock kernel
 * computes every output index separately and was a third of a ResNet training step (the batch-norm
 * gradient tiles `1/√(σ² + ε)` to the activation shape). Strings fall back to the stock kernel.
 */
export function tileWasm(args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: TileAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs;
  const { reps } = args.attrs;
  if (x.dtype === 'string' || reps.length !== x.shape.length) {
    return runWasmKernel(backend, 'Tile', { x }, args.attrs as unknown as Record<string, number[]>);
  }
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views are taken after allocation: growing the heap replaces its buffer.
  tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
  return out;
}

/** Kernel registration for {@link tileWasm}. */
export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: markOurs(tileWasm) as unknown as KernelFunc,
};
