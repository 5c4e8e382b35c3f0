import {
  Cast,
  type CastAttrs,
  Identity,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { markOurs, reshapeInfo, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * `Identity` for the wasm backend that shares the input's buffer (raising its reference count, as the
 * `cpu` backend and the wasm `Reshape` do) instead of copying it. Gradient bookkeeping and optimizers
 * call `Identity` hundreds of times per training step.
 */
export function identityWasm(args: { inputs: { x: TensorInfo }; backend: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs;
  if (x.dtype === 'string') return runWasmKernel(backend, 'Identity', { x });
  return reshapeInfo(backend, x, x.shape);
}

/** `Cast` for the wasm backend: a no-op cast shares the buffer like {@link identityWasm}; others are stock. */
export function castWasm(args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: CastAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs;
  if (x.dtype === args.attrs.dtype && x.dtype !== 'string') return reshapeInfo(backend, x, x.shape);
  return runWasmKernel(backend, 'Cast', { x }, args.attrs as unknown as Record<string, never>);
}

/** Kernel registration for {@link identityWasm}. */
export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: markOurs(identityWasm) as unknown as KernelFunc,
};

/** Kernel registration for {@link castWasm}. */
export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'wasm',
  kernelFunc: markOurs(castWasm) as unknown as KernelFunc,
};
