import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { release, type WasmBackendLike } from './kernel-context';
import { type KernelWorkers, kernelWorkersFor } from './kernel-workers';
import { backendMemory, type SimdKernels, simdKernelsFor } from './simd-kernels';

/**
 * Output positions per block of work: the block's rows of `X` and `∂L/∂Y` stay in the L1/L2 cache while
 * every tap and channel tile of the block is accumulated. Measured on ResNet18 shapes (w = 16, batch 64):
 * 64 is 5–20 % faster than 256 or 512 and on par with 32.
 */
const BLOCK_POSITIONS = 64;

/** The generated kernels on the backend's memory, and the helper threads sharing it (threaded build). */
export interface FilterGradientKernels {
  kernels: SimdKernels;
  workers: KernelWorkers | undefined;
}

/**
 * The SIMD kernels for `backend` (instantiated on its own memory, so they read tensors in place), or `null`
 * when its memory cannot be found or the engine lacks WebAssembly SIMD: then the caller takes another path.
 */
export function simdFilterGradientKernels(backend: WasmBackendLike): FilterGradientKernels | null {
  const memory = backendMemory(backend);
  if (memory === null) return null;
  const kernels = simdKernelsFor(memory);
  return kernels === null ? null : { kernels, workers: kernelWorkersFor(memory) };
}

/** Whether {@link simdFilterGradient} handles this shape: output channels in whole SIMD vectors. */
export function simdFilterGradientApplies(dy: TensorInfo): boolean {
  return dy.shape[3] % 4 === 0;
}

/**
 * `∂L/∂W[i, j, c, o] = Σ_{n, y, x} X[n, y·s + i − top, x·s + j − left, c] · ∂L/∂Y[n, y, x, o]` straight from
 * the NHWC tensors: no transpose, no padding, no im2col. For every filter tap and output row, the valid
 * output columns form one run (positions whose input pixel lies inside the image), listed in a small table;
 * the generated SIMD kernel (`fg_run`, see `simd-kernels.ts`) then sweeps blocks of {@link BLOCK_POSITIONS}
 * output positions, accumulating every tap and every 4 × 8 channel tile of `∂L/∂W` while the block's data is
 * in cache. With helper threads (threaded build), the taps × channel blocks are split between the threads.
 */
export function simdFilterGradient(
  backend: WasmBackendLike,
  { kernels, workers }: FilterGradientKernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, cin] = x.shape;
  const [, outHeight, outWidth, cout] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const rows = batch * outHeight;
  const taps = kh * kw;
  const table = backend.makeOutput([taps * rows * 3], 'int32');
  const out = backend.makeOutput([kh, kw, cin, cout], 'float32');
  const offset = (t: TensorInfo) =>
    (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
  const [xAt, dyAt, tableAt, outAt] = [offset(x), offset(dy), offset(table), offset(out)];
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  const runs = backend.typedArrayFromHeap(table) as Int32Array;
  let e = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const shift = j * dw - left;
      const ow0 = Math.max(0, Math.ceil(-shift / sw));
      const ow1 = Math.min(outWidth, Math.floor((width - 1 - shift) / sw) + 1);
      const count = Math.max(0, ow1 - ow0);
      for (let n = 0; n < batch; n++) {
        for (let oh = 0; oh < outHeight; oh++, e += 3) {
          const h = oh * sh + i * dh - top;
          if (h < 0 || h >= height || count === 0) {
            runs[e] = xAt;
            runs[e + 1] = dyAt;
            runs[e + 2] = 0;
            continue;
          }
          runs[e] = xAt + 4 * ((n * height + h) * width + ow0 * sw + shift) * cin;
          runs[e + 1] = dyAt + 4 * ((n * outHeight + oh) * outWidth + ow0) * cout;
          runs[e + 2] = count;
        }
      }
    }
  }
  // Callers pass at least one output position (outWidth ≥ 1).
  const blockRows = Math.min(rows, Math.max(1, Math.floor(BLOCK_POSITIONS / outWidth)));
  const units = taps * Math.ceil(cin / 4);
  const share = (first: number, end: number) => [
    tableAt,
    rows,
    blockRows,
    taps,
    outAt,
    cin,
    cout,
    4 * sw * cin,
    first,
    end,
  ];
  const threads = Math.min(units, 1 + (workers?.count ?? 0));
  try {
    if (threads <= 1 || workers === undefined) {
      kernels.fg_run(...(share(0, units) as Parameters<SimdKernels['fg_run']>));
    } else {
      // Contiguous unit ranges: each thread owns whole taps × channel blocks of ∂L/∂W.
      const bounds = Array.from({ length: threads + 1 }, (_, i) => Math.round((i * units) / threads));
      const shares = bounds.slice(0, -1).map((first, i) => share(first, bounds[i + 1]));
      workers.runShares(shares, (args) => kernels.fg_run(...(args as Parameters<SimdKernels['fg_run']>)));
    }
  } catch (error) {
    release(backend, out);
    throw error;
  } finally {
    release(backend, table);
  }
  return out;
}
