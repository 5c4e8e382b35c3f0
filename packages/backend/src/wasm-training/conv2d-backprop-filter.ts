import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError } from '../errors';
import { cropForConv, markOurs, release, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * `Conv2DBackpropFilter` for the wasm backend (the stock backend has none).
 *
 * The filter gradient `∂L/∂W[i, j, c, o] = Σ_{n, y, x} X[n, y·s + i − p, x·s + j − p, c] · ∂L/∂Y[n, y, x, o]`
 * is itself a convolution: with the batch axis of `X` moved to the channel axis (`X' = [C, H, W, N]`) and
 * `∂L/∂Y` used as the filter (`[OH, OW, N, O]`, dilated by the forward stride), the stock XNNPACK
 * `Conv2D` produces `[C, kh, kw, O]`, transposed back to `[kh, kw, C, O]`.
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new UnsupportedKernelInputError(
      `Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'; transpose the tensors to NHWC first.`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  const [, height, width] = x.shape;
  // Rows of X after the last one any output position reads may be dropped (valid padding, stride > 1).
  const bottom = kh + (outHeight - 1) * sh - height - info.padInfo.top;
  const right = kw + (outWidth - 1) * sw - width - info.padInfo.left;

  const xT = runWasmKernel(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const prepared = cropForConv(backend, xT, info.padInfo.top, bottom, info.padInfo.left, right);
  release(backend, xT);
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const grad = runWasmKernel(
    backend,
    'Conv2D',
    { x: prepared.x, filter: dyT },
    { strides: [1, 1], pad: prepared.pad, dataFormat: 'NHWC', dilations: [sh, sw] },
  );
  release(backend, prepared.x, dyT);
  const out = runWasmKernel(backend, 'Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  release(backend, grad);
  return out;
}

/** Kernel registration for {@link conv2DBackpropFilterWasm}. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: markOurs(conv2DBackpropFilterWasm) as unknown as KernelFunc,
};
