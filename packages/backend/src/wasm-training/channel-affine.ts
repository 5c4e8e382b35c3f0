import {
  Add,
  FusedBatchNorm,
  type FusedBatchNormAttrs,
  type KernelConfig,
  type KernelFunc,
  Multiply,
  Sub,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { markOurs, release, reshapeInfo, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * `y[…, c] = x[…, c] · scale[c] + bias[c]` for a float32 tensor whose last axis has `C` channels, as one
 * XNNPACK depthwise 1×1 convolution (with bias). The stock broadcasting binary kernels and
 * `FusedBatchNorm` walk the tensor with a generic index loop and are 3–10× slower.
 */
export function affineChannels(
  backend: WasmBackendLike,
  x: TensorInfo,
  scale: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
): TensorInfo {
  const channels = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / channels;
  const filter = backend.makeOutput([1, 1, channels, 1], 'float32');
  const offsets = bias === undefined ? undefined : backend.makeOutput([channels], 'float32');
  (backend.typedArrayFromHeap(filter) as Float32Array).set(scale);
  if (offsets !== undefined) (backend.typedArrayFromHeap(offsets) as Float32Array).set(bias!);
  const x4 = reshapeInfo(backend, x, [1, rows, 1, channels]);
  const inputs: Record<string, TensorInfo> = { x: x4, filter };
  if (offsets !== undefined) inputs.bias = offsets;
  const y = runWasmKernel(backend, 'FusedDepthwiseConv2D', inputs, {
    strides: [1, 1],
    pad: 'valid',
    dataFormat: 'NHWC',
    dilations: [1, 1],
    activation: 'linear',
  });
  release(backend, x4, filter);
  if (offsets !== undefined) release(backend, offsets);
  const out = reshapeInfo(backend, y, x.shape);
  release(backend, y);
  return out;
}

/**
 * When `small` broadcasts against `big` along the last axis only (shape `[]`, `[1]`, `[C]` or
 * `[1, …, 1, C]`, `big` float32 of rank ≥ 2 with last axis `C`), returns its `C` per-channel values.
 */
function channelValues(
  backend: WasmBackendLike,
  big: TensorInfo,
  small: TensorInfo,
): Float32Array | undefined {
  if (big.dtype !== 'float32' || small.dtype !== 'float32' || big.shape.length < 2) return undefined;
  const channels = big.shape[big.shape.length - 1];
  const size = util.sizeFromShape(small.shape);
  if (small.shape.length > big.shape.length || util.sizeFromShape(big.shape) === 0) return undefined;
  if (size === 1)
    return new Float32Array(channels).fill((backend.typedArrayFromHeap(small) as Float32Array)[0]);
  if (size !== channels || small.shape[small.shape.length - 1] !== channels) return undefined;
  return (backend.typedArrayFromHeap(small) as Float32Array).slice();
}

type Op = 'mul' | 'add' | 'sub';

/**
 * The stock broadcasting loop is only slow when the broadcast (last) axis is short; from 64 channels on
 * it matches the depthwise path (measured per call on [64, H, W, C] activations), so it is kept there.
 */
const MAX_BROADCAST_CHANNELS = 32;

const lastDim = (t: TensorInfo) => (t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1]);

/** A binary kernel that takes the depthwise path for per-channel broadcasts and the stock one otherwise. */
function binaryKernel(name: string, op: Op) {
  return (args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: unknown }): TensorInfo => {
    const backend = args.backend as WasmBackendLike;
    const { a, b } = args.inputs;
    if (!util.arraysEqual(a.shape, b.shape) && Math.max(lastDim(a), lastDim(b)) <= MAX_BROADCAST_CHANNELS) {
      const bValues = channelValues(backend, a, b);
      if (bValues !== undefined) {
        if (op === 'mul') return affineChannels(backend, a, bValues, undefined);
        const ones = new Float32Array(bValues.length).fill(1);
        return affineChannels(backend, a, ones, op === 'add' ? bValues : bValues.map((v) => -v));
      }
      const aValues = channelValues(backend, b, a);
      if (aValues !== undefined) {
        if (op === 'mul') return affineChannels(backend, b, aValues, undefined);
        const sign = new Float32Array(aValues.length).fill(op === 'add' ? 1 : -1);
        return affineChannels(backend, b, sign, aValues);
      }
    }
    return runWasmKernel(backend, name, { a, b });
  };
}

/**
 * `FusedBatchNorm` for the wasm backend: `(x − μ) · γ/√(σ² + ε) + β` is folded into one per-channel
 * scale and offset (computed on the `C`-vectors) and applied by {@link affineChannels}.
 */
export function fusedBatchNormWasm(args: {
  inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };
  backend: unknown;
  attrs: FusedBatchNormAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, mean, variance, offset, scale } = args.inputs;
  const eps = args.attrs.varianceEpsilon;
  const mu = channelValues(backend, x, mean);
  const v = channelValues(backend, x, variance);
  const beta = offset === undefined ? undefined : channelValues(backend, x, offset);
  const gamma = scale === undefined ? undefined : channelValues(backend, x, scale);
  if (
    mu === undefined ||
    v === undefined ||
    (offset && beta === undefined) ||
    (scale && gamma === undefined)
  ) {
    return runWasmKernel(
      backend,
      'FusedBatchNorm',
      args.inputs as Record<string, TensorInfo>,
      args.attrs as unknown as Record<string, number>,
    );
  }
  const a = new Float32Array(mu.length);
  const b = new Float32Array(mu.length);
  for (let c = 0; c < mu.length; c++) {
    a[c] = (gamma === undefined ? 1 : gamma[c]) / Math.sqrt(v[c] + eps);
    b[c] = (beta === undefined ? 0 : beta[c]) - mu[c] * a[c];
  }
  return affineChannels(backend, x, a, b);
}

const multiplyWasm = binaryKernel('Multiply', 'mul');
const addWasm = binaryKernel('Add', 'add');
const subWasm = binaryKernel('Sub', 'sub');

/** Kernel registrations of the per-channel fast paths. */
export const channelAffineConfigs: KernelConfig[] = [
  { kernelName: Multiply, backendName: 'wasm', kernelFunc: markOurs(multiplyWasm) as unknown as KernelFunc },
  { kernelName: Add, backendName: 'wasm', kernelFunc: markOurs(addWasm) as unknown as KernelFunc },
  { kernelName: Sub, backendName: 'wasm', kernelFunc: markOurs(subWasm) as unknown as KernelFunc },
  {
    kernelName: FusedBatchNorm,
    backendName: 'wasm',
    kernelFunc: markOurs(fusedBatchNormWasm) as unknown as KernelFunc,
  },
];
