import * as tf from '@tensorflow/tfjs-core';
import { InvalidThreadsError } from './errors';
import type { BackendAttempt, BackendName } from './init-backend';
import type { Platform } from './platform';
import type { WasmThreadsResult } from './wasm-threads';
import { registerWasmTrainingKernels } from './wasm-training/register';
import { adapterSummary, type WebGPUAdapterDescription } from './webgpu/adapter';
import { importFailure, rawMessage, firstClause, webgpuFailure } from './failure-summary';
import type { NodeHost } from './node-host';
import { dawnSkipReason } from './webgpu/dawn-probe';
import { startWebGPU, TFJS_WEBGPU_MODULE } from './webgpu/init-webgpu';

/** The npm packages of each engine, in the order they are tried. */
export const MODULES: Record<BackendName, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: [TFJS_WEBGPU_MODULE],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

/** What only the Node entry can do: start the threaded wasm build, count the cores. */
export interface NodeThreads {
  start(threads: number): Promise<WasmThreadsResult>;
  cores(): number;
}

/** Imports a module by a name the bundler must not resolve (all backends are optional peers). */
async function importOptional(name: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

/**
 * The thread count `wasmThreads` asks for (validated); `'auto'` is the number of cores in Node (from
 * the Node entry, or `navigator.hardwareConcurrency`), 1 in a browser.
 */
export function resolveThreads(
  option: number | 'auto' | undefined,
  platform: Platform,
  nodeThreads: NodeThreads | null,
): number {
  if (option === undefined) return 1;
  if (option === 'auto') {
    if (platform !== 'node') return 1;
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
    const cores = nodeThreads?.cores() ?? nav?.hardwareConcurrency ?? 1;
    return Math.max(1, Math.min(8, cores));
  }
  if (!Number.isInteger(option) || option < 1 || option > 8) {
    throw new InvalidThreadsError(
      `initBackend: wasmThreads must be an integer from 1 to 8 or 'auto', got ${String(option)}; pass e.g. { wasmThreads: 2 }.`,
    );
  }
  return option;
}

/** XNNPACK threads of the active wasm backend, as it reports them. */
export function wasmThreadCount(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** A result of {@link tryWebGPU}. */
export interface WebGPUAttempt {
  attempt: BackendAttempt;
  adapter: WebGPUAdapterDescription | null;
  error?: unknown;
}

/**
 * Tries the webgpu engine; `auto` refuses a software adapter and, in Node, loads Dawn only where `host`
 * shows it would find a hardware adapter ({@link dawnSkipReason}).
 */
export async function tryWebGPU(
  auto: boolean,
  platform: Platform,
  host: NodeHost | null,
): Promise<WebGPUAttempt> {
  const module = TFJS_WEBGPU_MODULE;
  const skip = auto && platform === 'node' && host !== null ? await dawnSkipReason(host) : null;
  if (skip !== null) return { attempt: { backend: 'webgpu', module, ok: false, ...skip }, adapter: null };
  try {
    const { adapter, source } = await startWebGPU({ allowSoftware: !auto, platform }, host);
    const via = source === 'webgpu' ? "Dawn (the 'webgpu' package)" : 'navigator.gpu';
    const detail = `on ${adapterSummary(adapter)} through ${via}`;
    return { attempt: { backend: 'webgpu', module, ok: true, detail }, adapter };
  } catch (error) {
    return {
      attempt: { backend: 'webgpu', module, ok: false, ...webgpuFailure(error) },
      adapter: null,
      error,
    };
  }
}

/** Tries the threaded wasm build (Node entry only); the attempt made. */
async function tryWasmThreads(
  threads: number,
  platform: Platform,
  nodeThreads: NodeThreads | null,
): Promise<BackendAttempt> {
  const module = MODULES.wasm[0];
  if (platform !== 'node' || nodeThreads === null) {
    const why =
      platform !== 'node'
        ? 'runs in Node only'
        : "needs initBackend from '@pixsim/backend/node' (this is the universal one of '@pixsim/backend')";
    return { backend: 'wasm', module, ok: false, detail: `one thread: the threaded build ${why}` };
  }
  try {
    const started = await nodeThreads.start(threads);
    const helpers = `${started.kernelWorkers} kernel helper thread${started.kernelWorkers === 1 ? '' : 's'}`;
    return {
      backend: 'wasm',
      module,
      ok: true,
      detail: `${started.threads} threads, ${helpers}`,
    };
  } catch (error) {
    return {
      backend: 'wasm',
      module,
      ok: false,
      detail: `one thread: the threaded build did not start (${firstClause(rawMessage(error))})`,
      error: rawMessage(error),
    };
  }
}

/**
 * Tries one engine; returns the attempts made (the last one is the success, if any). In a browser an
 * engine the app has registered (by importing its package) is used as it is: bundlers cannot follow the
 * optional import made here.
 */
export async function tryBackend(
  backend: Exclude<BackendName, 'webgpu'>,
  registerTraining: boolean,
  threads: number,
  platform: Platform,
  nodeThreads: NodeThreads | null,
): Promise<BackendAttempt[]> {
  const attempts: BackendAttempt[] = [];
  if (backend === 'wasm' && threads > 1) {
    const attempt = await tryWasmThreads(threads, platform, nodeThreads);
    attempts.push(attempt);
    if (attempt.ok) return attempts;
  }
  for (const module of MODULES[backend]) {
    const registered = platform === 'browser' && tf.findBackendFactory(backend) != null;
    if (!registered) {
      try {
        await importOptional(module);
      } catch (error) {
        attempts.push({ backend, module, ok: false, ...importFailure(module, error, platform) });
        continue;
      }
    }
    try {
      if (backend === 'wasm' && registerTraining) registerWasmTrainingKernels();
      const ok = await tf.setBackend(backend);
      if (!ok || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      attempts.push({ backend, module, ok: true, detail: 'loaded' });
      return attempts;
    } catch (error) {
      const raw = rawMessage(error);
      attempts.push({
        backend,
        module,
        ok: false,
        detail: `${module} failed to start (${firstClause(raw)})`,
        error: raw,
      });
    }
  }
  return attempts;
}
