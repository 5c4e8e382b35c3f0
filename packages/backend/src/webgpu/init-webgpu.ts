import { assertOptionalBoolean, assertOptionsObject } from '../options';
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendUnavailableError,
  NoWebGPUAdapterError,
  SoftwareAdapterRefusedError,
  SyncReadUnsupportedError,
  WebGPUPackageMissingError,
} from '../errors';
import { type AdapterLike, adapterSummary, describeAdapter, type WebGPUAdapterDescription } from './adapter';
import { detectPlatform, type Platform } from '../platform';
import { type GPUSource, gpuSource } from './gpu-source';
import { builtinNodeHost, type NodeHost } from '../node-host';

/** The npm package with the TensorFlow.js WebGPU engine (an optional peer dependency). */
export const TFJS_WEBGPU_MODULE = '@tensorflow/tfjs-backend-webgpu';

/** Options of {@link initWebGPU}. */
export interface InitWebGPUOptions {
  /**
   * Accept a software adapter (SwiftShader, llvmpipe: a CPU emulating a GPU, correct but slow). Default
   * `true`, since calling `initWebGPU` is an explicit request; `initBackend('auto')` passes `false`.
   */
  allowSoftware?: boolean;
  /**
   * Where this runs: `'browser'` takes WebGPU from `navigator.gpu` only and, when the app has imported
   * `@tensorflow/tfjs-backend-webgpu` itself (as bundled apps do), uses its registered engine; `'node'`
   * falls back to Dawn (the `webgpu` package). Default: detected (`process.versions.node`).
   */
  platform?: Platform;
}

/** The result of {@link initWebGPU}. */
export interface WebGPUInit {
  /** The adapter the engine runs on. */
  adapter: WebGPUAdapterDescription;
  /** Where WebGPU came from: the browser's `navigator.gpu` or the `webgpu` package (Dawn) in Node. */
  source: GPUSource;
}

interface GPUAdapterLike extends AdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  requestDevice(descriptor: unknown): Promise<unknown>;
}

interface TfjsWebGPU {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

/** The part of tfjs's `WebGPUBackend` that synchronous reads go through. */
interface ReadSyncBackend {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * Without `OffscreenCanvas` (Node), tfjs's synchronous GPU read fails with `OffscreenCanvas is not
 * defined`; this makes it a {@link SyncReadUnsupportedError} that names the fix. Values already on the
 * CPU (uploaded from JS, not yet computed on) still read synchronously.
 */
function explainSyncReads(backend: tf.KernelBackend): tf.KernelBackend {
  if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return backend;
  const target = backend as unknown as ReadSyncBackend;
  const readSync = target.readSync.bind(target);
  target.readSync = (dataId: object) => {
    if (target.tensorMap.get(dataId)?.values == null) {
      throw new SyncReadUnsupportedError(
        'dataSync()/arraySync() cannot read a tensor from the GPU on the webgpu backend in Node: Dawn has no ' +
          'synchronous readback (tfjs reads synchronously through OffscreenCanvas, which only browsers have); ' +
          'read with await tensor.data() / tensor.array(), or train on another backend.',
      );
    }
    return readSync(dataId);
  };
  return backend;
}

/** The adapter behind the `webgpu` backend this package registered (one per process). */
let registered: { adapter: WebGPUAdapterDescription; source: GPUSource } | undefined;

async function importOptional(name: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

/** The device descriptor `@tensorflow/tfjs-backend-webgpu` itself asks for (its `base.ts`). */
function deviceDescriptor(adapter: GPUAdapterLike): unknown {
  const limits = adapter.limits;
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  };
}

/** Why WebGPU offers no adapter and what to install, by where WebGPU came from. */
export const NO_ADAPTER_FIX: Record<GPUSource, string> = {
  'navigator.gpu':
    'the browser offers no WebGPU adapter (GPU blocklisted or WebGPU disabled; headless Chromium needs --enable-unsafe-webgpu)',
  webgpu:
    'Dawn found no GPU: on Linux it needs the Vulkan loader (apt-get install libvulkan1) and the GPU vendor’s Vulkan driver; ' +
    'for a software GPU (tests only) install Debian’s chromium and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json',
};

/**
 * Activates TensorFlow.js's `webgpu` engine: in browsers on `navigator.gpu`, in Node on the `webgpu`
 * package's Dawn (Vulkan on Linux, Metal on macOS, D3D12 on Windows). Asks for a high-performance
 * adapter, describes it (vendor, architecture, software or not), registers the `webgpu` backend on that
 * adapter and makes it the active backend. Later calls reuse the same adapter. The stock kernels train
 * our networks as they are (parity suite: `src/webgpu/kernel-parity.test.ts`); in Node, synchronous
 * reads (`dataSync`) throw {@link SyncReadUnsupportedError}: read with `await tensor.data()`.
 *
 * @example
 * ```ts
 * const { adapter } = await initWebGPU();
 * console.log(adapter.vendor, adapter.architecture); // e.g. nvidia ampere
 * ```
 * @throws {WebGPUPackageMissingError} when `webgpu` (Node) or `@tensorflow/tfjs-backend-webgpu` is missing.
 * @throws {NoWebGPUAdapterError} when WebGPU offers no adapter.
 * @throws {SoftwareAdapterRefusedError} when the adapter is software and `allowSoftware` is `false`.
 * @throws {InvalidOptionError} when `options` is not an object or `allowSoftware` not a boolean.
 * @throws {BackendUnavailableError} when the device or the engine fails to start.
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUInit> {
  return startWebGPU(options, builtinNodeHost());
}

/**
 * {@link initWebGPU} with `host`, what Node offers Dawn (a private `XDG_RUNTIME_DIR`), injected.
 *
 * @internal
 */
export async function startWebGPU(options: InitWebGPUOptions, host: NodeHost | null): Promise<WebGPUInit> {
  assertOptionsObject('initWebGPU', options, '{ allowSoftware: false }');
  assertOptionalBoolean('initWebGPU', 'allowSoftware', options.allowSoftware);
  const allowSoftware = options.allowSoftware ?? true;
  const platform = options.platform ?? detectPlatform();
  if (registered === undefined || tf.findBackend('webgpu') == null) {
    const { gpu, source } = await gpuSource(platform, host);
    // null: the engine the app registered by importing the package (a browser bundle, where the bare
    // package name cannot be imported from here).
    let tfjsWebGPU: TfjsWebGPU | null = null;
    try {
      tfjsWebGPU = (await importOptional(TFJS_WEBGPU_MODULE)) as TfjsWebGPU;
    } catch (error) {
      if (platform === 'node' || tf.findBackendFactory('webgpu') == null) {
        const fix =
          platform === 'node'
            ? `install it: pnpm add ${TFJS_WEBGPU_MODULE}`
            : `install it and import '${TFJS_WEBGPU_MODULE}' in your app before this call`;
        throw new WebGPUPackageMissingError(
          TFJS_WEBGPU_MODULE,
          `the WebGPU engine needs '${TFJS_WEBGPU_MODULE}', which is not ${platform === 'node' ? 'installed' : 'loaded'}; ${fix}`,
          { cause: error },
        );
      }
    }
    const adapter = (await gpu.requestAdapter({
      powerPreference: 'high-performance',
    })) as GPUAdapterLike | null;
    if (adapter == null) {
      throw new NoWebGPUAdapterError(
        source,
        `WebGPU (${source}) offers no adapter: ${NO_ADAPTER_FIX[source]}.`,
      );
    }
    const description = describeAdapter(adapter);
    if (description.software && !allowSoftware) {
      throw new SoftwareAdapterRefusedError(
        description,
        `the only WebGPU adapter is a software one, ${adapterSummary(description)}: not used unless asked for by name (initBackend('webgpu')).`,
      );
    }
    if (tfjsWebGPU !== null) {
      const { WebGPUBackend } = tfjsWebGPU;
      if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
      tf.registerBackend(
        'webgpu',
        async () =>
          explainSyncReads(
            new WebGPUBackend(await adapter.requestDevice(deviceDescriptor(adapter)), adapter.info),
          ),
        3,
      );
    }
    registered = { adapter: description, source };
  } else if (registered.adapter.software && !allowSoftware) {
    throw new SoftwareAdapterRefusedError(
      registered.adapter,
      `the WebGPU adapter is a software one, ${adapterSummary(registered.adapter)}: not used unless asked for by name (initBackend('webgpu')).`,
    );
  }
  if (!(await tf.setBackend('webgpu')) || tf.getBackend() !== 'webgpu') {
    throw new BackendUnavailableError(
      'webgpu',
      `the webgpu engine did not start on ${adapterSummary(registered.adapter)} (tf.setBackend('webgpu') returned false; its warning above says why).`,
    );
  }
  await tf.ready();
  return { adapter: registered.adapter, source: registered.source };
}
