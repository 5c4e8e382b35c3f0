import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError } from '../errors';
import {
  cropForConv,
  markOurs,
  release,
  reshapeInfo,
  runWasmKernel,
  type WasmBackendLike,
} from './kernel-context';

/**
 * Inserts `sh − 1` zero rows after every row and `sw − 1` zero columns after every column of an NHWC
 * tensor (`[N, OH, OW, C]` → `[N, OH·sh, OW·sw, C]`), the "fractionally strided" input of a transposed
 * convolution.
 */
function dilateSpatial(backend: WasmBackendLike, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  const six = reshapeInfo(backend, dy, [n, oh, 1, ow, 1, c]);
  const padded = runWasmKernel(
    backend,
    'PadV2',
    { x: six },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  release(backend, six);
  const out = reshapeInfo(backend, padded, [n, oh * sh, ow * sw, c]);
  release(backend, padded);
  return out;
}

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing the stock scalar loop with one XNNPACK `Conv2D`.
 *
 * `∂L/∂X` is the full convolution of `∂L/∂Y` (zero-dilated by the forward stride) with the filter
 * rotated by 180° and its channel axes swapped (`[kh, kw, O, C]`), padded by `kh − 1 − p` before.
 */
export function conv2DBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: unknown;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new UnsupportedKernelInputError(
      `Conv2DBackpropInput on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'; transpose the tensors to NHWC first.`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const [, height, width] = inputShape;
  const dilated = sh > 1 || sw > 1 ? dilateSpatial(backend, dy, sh, sw) : reshapeInfo(backend, dy, dy.shape);
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = height - 1 + kh - dilated.shape[1] - top;
  const right = width - 1 + kw - dilated.shape[2] - left;
  const prepared = cropForConv(backend, dilated, top, bottom, left, right);
  release(backend, dilated);

  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const rotated = runWasmKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  release(backend, flipped);
  const out = runWasmKernel(
    backend,
    'Conv2D',
    { x: prepared.x, filter: rotated },
    { strides: [1, 1], pad: prepared.pad, dataFormat: 'NHWC', dilations: [1, 1] },
  );
  release(backend, prepared.x, rotated);
  return out;
}

/** Kernel registration for {@link conv2DBackpropInputWasm}. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: markOurs(conv2DBackpropInputWasm) as unknown as KernelFunc,
};
