import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { WasmBackendNotLoadedError } from '../errors';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { registerWasmTrainingGradients, wasmTrainingGradientsRegistered } from './gradients';
import { captureStockKernel, isOurKernel } from './kernel-context';
import { channelAffineConfigs } from './channel-affine';
import { castConfig, identityConfig } from './identity';
import { meanConfig, sumConfig } from './reduce';
import { sliceConfig } from './slice';
import { tileConfig } from './tile';

/** Every kernel this package registers for `wasm`, in registration order. */
export const wasmTrainingKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  tileConfig,
  sliceConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  ...channelAffineConfigs,
];

/** Stock wasm kernels the training kernels are composed from. */
const REQUIRED_STOCK = [
  'Conv2D',
  'Transpose',
  'PadV2',
  'Slice',
  'AvgPool',
  'BatchMatMul',
  'Tile',
  'Sum',
  'Mean',
  'Identity',
  'Cast',
  'Multiply',
  'Add',
  'Sub',
  'FusedBatchNorm',
  'FusedDepthwiseConv2D',
];

/**
 * Registers the training kernels for the `wasm` backend (`Conv2DBackpropFilter`, a fast
 * `Conv2DBackpropInput`, …), replacing stock ones of the same name, and the leaner `wasm` gradients of
 * `FusedBatchNorm`, `Mean` and `Sum` (see `registerWasmTrainingGradients`). Idempotent. Call it after
 * `@tensorflow/tfjs-backend-wasm` has been imported (importing it afterwards would re-register the stock
 * kernels over these); the side-effect module `@pixsim/backend/wasm-training` does both in order.
 *
 * @returns the names of the kernels that are now ours.
 * @throws {WasmBackendNotLoadedError} when the stock wasm kernels are not registered yet.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const name of REQUIRED_STOCK) {
    if (!captureStockKernel(name)) {
      throw new WasmBackendNotLoadedError(
        `the stock wasm kernel '${name}' is not registered, so the training kernels cannot be built; ` +
          `import '@tensorflow/tfjs-backend-wasm' (or '@pixsim/backend/wasm-training') before calling registerWasmTrainingKernels().`,
      );
    }
  }
  for (const config of wasmTrainingKernels) {
    const current = getKernel(config.kernelName, 'wasm');
    if (isOurKernel(current?.kernelFunc)) continue;
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    // The stock kernel's setup (its `cwrap`) must still run when the backend initialises, because ours
    // falls back to it for the cases it does not cover.
    registerKernel({ ...config, setupFunc: current?.setupFunc ?? config.setupFunc });
  }
  registerWasmTrainingGradients();
  return wasmTrainingKernels.map((config) => config.kernelName);
}

/** Whether every training kernel of this package is currently the registered `wasm` implementation. */
export function wasmTrainingKernelsRegistered(): boolean {
  return (
    wasmTrainingGradientsRegistered() &&
    wasmTrainingKernels.every((config) => isOurKernel(getKernel(config.kernelName, 'wasm')?.kernelFunc))
  );
}
