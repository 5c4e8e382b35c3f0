import {
  type backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError } from '../errors';
import {
  cropForConv,
  markOurs,
  nhwcConvInfo,
  release,
  reshapeInfo,
  runWasmKernel,
  type WasmBackendLike,
} from './kernel-context';
import { transposeOnHeap } from './heap-transpose';
import { planShiftedFilterGradient, shiftedFilterGradient } from './shifted-filter-gradient';
import {
  simdFilterGradient,
  simdFilterGradientApplies,
  simdFilterGradientKernels,
} from './simd-filter-gradient';
import { recordFilterGradientPath } from './filter-gradient-paths';

/**
 * The 1×1 case: `∂L/∂W[0, 0, c, o] = Σ_m X̃[m, c] · ∂L/∂Y[m, o]` with `X̃` the strided, padded sampling of `X`
 * at the output positions. `X̃ᵀ` (`[C, N·OH·OW]`) is gathered on the heap and multiplied by `∂L/∂Y` viewed
 * as `[N·OH·OW, O]` in one `BatchMatMul`: the big-filter convolution below would stream its weights once
 * per output tile for a product this small.
 */
export function pointwiseFilterGradient(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, cin] = x.shape;
  const [, outHeight, outWidth, cout] = dy.shape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const positions = batch * outHeight * outWidth;
  const sampled = backend.makeOutput([1, cin, positions], 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const out = backend.typedArrayFromHeap(sampled) as Float32Array;
  let m = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h = oh * sh - top;
      for (let ow = 0; ow < outWidth; ow++, m++) {
        const w = ow * sw - left;
        if (h < 0 || h >= height || w < 0 || w >= width) {
          for (let c = 0; c < cin; c++) out[c * positions + m] = 0;
        } else {
          const src = ((n * height + h) * width + w) * cin;
          for (let c = 0; c < cin; c++) out[c * positions + m] = xs[src + c];
        }
      }
    }
  }
  const dy3 = reshapeInfo(backend, dy, [1, positions, cout]);
  const product = runWasmKernel(
    backend,
    'BatchMatMul',
    { a: sampled, b: dy3 },
    { transposeA: false, transposeB: false },
  );
  release(backend, sampled, dy3);
  const result = reshapeInfo(backend, product, [1, 1, cin, cout]);
  release(backend, product);
  return result;
}

/**
 * The filter gradient as one stock XNNPACK convolution: with the batch axis of `X` moved to the channel axis
 * (`X' = [C, H, W, N]`) and `∂L/∂Y` used as the filter (`[OH, OW, N, O]`, dilated by the forward stride),
 * `Conv2D` produces `[C, kh, kw, O]`, transposed back to `[kh, kw, C, O]` (plain loops on the heap,
 * {@link transposeOnHeap}). The fallback for small activations when the SIMD kernel is unavailable.
 */
export function convolutionFilterGradient(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  const [, height, width] = x.shape;
  // Rows of X after the last one any output position reads may be dropped (valid padding, stride > 1).
  const bottom = kh + (outHeight - 1) * sh - height - info.padInfo.top;
  const right = kw + (outWidth - 1) * sw - width - info.padInfo.left;

  const xT = transposeOnHeap(backend, x, [3, 1, 2, 0]);
  const prepared = cropForConv(backend, xT, info.padInfo.top, bottom, info.padInfo.left, right);
  release(backend, xT);
  const dyT = transposeOnHeap(backend, dy, [1, 2, 0, 3]);
  const grad = runWasmKernel(
    backend,
    'Conv2D',
    { x: prepared.x, filter: dyT },
    { strides: [1, 1], pad: prepared.pad, dataFormat: 'NHWC', dilations: [sh, sw] },
  );
  release(backend, prepared.x, dyT);
  const out = transposeOnHeap(backend, grad, [1, 2, 0, 3]);
  release(backend, grad);
  return out;
}

/**
 * `Conv2DBackpropFilter` for the wasm backend (the stock backend has none):
 * `∂L/∂W[i, j, c, o] = Σ_{n, y, x} X[n, y·s + i − p, x·s + j − p, c] · ∂L/∂Y[n, y, x, o]`.
 *
 * Takes the first path that applies: the generated SIMD kernel ({@link simdFilterGradient}; output channels
 * a multiple of 4 and WebAssembly SIMD available: every ResNet layer), else the 1×1 gather + `BatchMatMul`,
 * else shifted-view products on a padded grid ({@link shiftedFilterGradient}; large activations), else one
 * big-filter XNNPACK convolution ({@link convolutionFilterGradient}).
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs;
  const { filterShape } = args.attrs;
  const info = nhwcConvInfo(
    'Conv2DBackpropFilter',
    x.shape as [number, number, number, number],
    filterShape,
    args.attrs,
  );
  if (x.shape[0] * info.outHeight * info.outWidth === 0) {
    // No output position: the sum is empty (XNNPACK refuses empty operators).
    const zeros = backend.makeOutput(filterShape, 'float32');
    (backend.typedArrayFromHeap(zeros) as Float32Array).fill(0);
    recordFilterGradientPath('empty');
    return zeros;
  }
  const simd = simdFilterGradientApplies(dy) ? simdFilterGradientKernels(backend) : null;
  if (simd !== null) {
    recordFilterGradientPath('simd');
    return simdFilterGradient(backend, simd, x, dy, info);
  }
  const { top, bottom, left, right } = info.padInfo;
  if (Math.min(top, bottom, left, right) < 0) {
    throw new UnsupportedKernelInputError(
      `Conv2DBackpropFilter on wasm supports negative (cropping) padding only with output channels in multiples of 4, got ${dy.shape[3]}; crop the input with tf.slice and pad with zeros instead.`,
    );
  }
  if (info.filterHeight === 1 && info.filterWidth === 1) {
    recordFilterGradientPath('pointwise');
    return pointwiseFilterGradient(backend, x, dy, info);
  }
  const plan = planShiftedFilterGradient(info);
  if (plan !== null) {
    recordFilterGradientPath('shifted');
    return shiftedFilterGradient(backend, x, dy, info, plan);
  }
  recordFilterGradientPath('convolution');
  return convolutionFilterGradient(backend, x, dy, info);
}

/** Kernel registration for {@link conv2DBackpropFilterWasm}. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: markOurs(conv2DBackpropFilterWasm) as unknown as KernelFunc,
};
