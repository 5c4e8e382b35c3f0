import { describeValue, isPlainObject } from '@pixsim/core';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError, InvalidThreadsError, WasmThreadsUnavailableError } from './errors';
import { startKernelWorkers } from './wasm-training/kernel-workers-node';
import { registerWasmTrainingKernels } from './wasm-training/register';
import { backendMemory } from './wasm-training/simd-kernels';

/** What {@link initWasmThreads} started. */
export interface WasmThreadsResult {
  /** XNNPACK's thread-pool size as the backend reports it (`getThreadsCount()`): equals `threads`. */
  threads: number;
  /** Names of the wasm training kernels registered. */
  trainingKernels: string[];
  /**
   * Helper threads of this package's SIMD filter-gradient kernel (`threads − 1`, sharing the backend's
   * memory), or 0 when they could not start; then that kernel runs on the calling thread only.
   */
  kernelWorkers: number;
}

/** The part of `@tensorflow/tfjs-backend-wasm` used here. */
interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** XNNPACK's pool is capped at the 8 web workers the threaded binary pre-creates. */
const MAX_THREADS = 8;

/** A stand-in `Blob` whose "object URL" is a file on disk, so Node `worker_threads` can load it. */
interface FileBlob {
  pixsimFile: string;
}

/**
 * Writes `text` to `file` atomically (temporary file, then rename), so a worker never reads half a script.
 */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/**
 * Starts the `wasm` backend with the **threaded** XNNPACK build of `@tensorflow/tfjs-backend-wasm`
 * (`threads` workers computing each convolution, matrix product, … together) and registers this package's
 * training kernels on it. Call it instead of `tf.setBackend('wasm')`, before the wasm backend is first
 * initialised in the process.
 *
 * The stock package cannot do this in Node: it hands Emscripten's pthread workers `blob:` URLs (Node
 * workers load files only), marks Node as thread-less, and caps the pool at half of `os.cpus()`. Here,
 * only while the backend starts: the worker script is written to a temporary file, the main script is
 * the package's own `wasm-out/tfjs-backend-wasm-threaded-simd.js`, and `os.cpus()` reports
 * `2·max(threads, cores)` entries, so that `threads` is neither halved nor capped. Every patched
 * global is restored before this returns.
 *
 * With `threads > 1` it also starts `threads − 1` helper `worker_threads` for this package's SIMD
 * filter-gradient kernel, which split its taps × channel blocks with the calling thread.
 *
 * Results are identical to the single-threaded backend (each output element is still reduced by one
 * thread in the same order); tested on a ResNet training run. Process CPU time grows a little (workers
 * spin while waiting); wall time shrinks when cores are free. The worker threads do not keep the process
 * alive (they are `unref`ed).
 *
 * @example
 * ```ts
 * import { initWasmThreads } from '@pixsim/backend/node';
 * const { threads } = await initWasmThreads({ threads: 2 }); // tf.getBackend() === 'wasm'
 * ```
 * @throws {InvalidThreadsError} when `threads` is not an integer from 1 to 8.
 * @throws {InvalidOptionError} when `options` is not an object.
 * @throws {WasmThreadsUnavailableError} outside Node, when the wasm backend is already initialised, or
 * when `@tensorflow/tfjs-backend-wasm` is missing or its threaded build fails to start.
 */
export async function initWasmThreads(options: { threads: number }): Promise<WasmThreadsResult> {
  if (!isPlainObject(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `initWasmThreads: options must be an object { threads }, got ${describeValue(options)}; pass e.g. { threads: 2 }.`,
      { option: 'options' },
    );
  }
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InvalidThreadsError(
      `threads must be an integer from 1 to ${MAX_THREADS} (the workers the threaded wasm binary pre-creates), got ${describeValue(threads)}; pass e.g. { threads: 2 } (at most the number of cores).`,
    );
  }
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    throw new WasmThreadsUnavailableError(
      'initWasmThreads works in Node only (it starts worker_threads from files); in a browser use @tensorflow/tfjs-backend-wasm directly with cross-origin isolation.',
    );
  }
  if (tf.engine().registry.wasm !== undefined) {
    throw new WasmThreadsUnavailableError(
      "the wasm backend is already initialised in this process, so its thread count is fixed; call initWasmThreads() before anything runs tf.setBackend('wasm') or initBackend('wasm').",
    );
  }
  const require = createRequire(import.meta.url);
  // The CommonJS module object (the one Emscripten's `require("os")` sees), not a read-only namespace.
  const os = require('node:os') as typeof import('node:os');
  let wasmModule: WasmModule;
  let mainScript: string;
  try {
    wasmModule = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
    const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
    mainScript = path.join(path.dirname(entry), '..', 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
    fs.accessSync(mainScript, fs.constants.R_OK);
  } catch (cause) {
    throw new WasmThreadsUnavailableError(
      `@tensorflow/tfjs-backend-wasm or its threaded build (wasm-out/tfjs-backend-wasm-threaded-simd.js) is not installed: ${String(cause)}; install @tensorflow/tfjs-backend-wasm (>=4.10 <5).`,
      { cause },
    );
  }
  const trainingKernels = registerWasmTrainingKernels();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixsim-wasm-threads-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const globals = globalThis as unknown as { Blob: unknown };
  const realBlob = globals.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realRevokeObjectURL = URL.revokeObjectURL;
  const realCpus = os.cpus;
  let scripts = 0;
  // Inside the worker, the main script arrives as the structured clone of a FileBlob.
  const workerPrelude =
    'URL.createObjectURL=(b)=>b&&b.pixsimFile?b.pixsimFile:"";URL.revokeObjectURL=()=>{};\n';
  const FileBlobConstructor = function (this: unknown, parts: unknown[]): FileBlob {
    const text = parts.map(String).join('');
    if (text.startsWith('var WasmBackendModuleThreadedSimd')) return { pixsimFile: mainScript };
    const file = path.join(dir, `worker-${scripts++}.js`);
    writeAtomically(file, workerPrelude + text);
    return { pixsimFile: file };
  };
  const tfEnv = tf.env();
  const previousFlag = tfEnv.getFlags().WASM_HAS_MULTITHREAD_SUPPORT;
  let ok = false;
  let failure: unknown;
  try {
    globals.Blob = FileBlobConstructor;
    URL.createObjectURL = ((blob: Partial<FileBlob>) =>
      blob?.pixsimFile ??
      realCreateObjectURL(blob as unknown as Blob)) as unknown as typeof URL.createObjectURL;
    // tfjs caps the pool at emscripten_num_logical_cores() / 2 (it assumes two hyperthreads per core).
    // Reporting 2·max(threads, cores) lets the pool have exactly `threads` (more threads than cores is
    // the caller's choice).
    os.cpus = () => {
      const real = realCpus();
      return Array.from({ length: 2 * Math.max(threads, real.length) }, (_, i) => real[i % real.length]);
    };
    tfEnv.set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasmModule.setThreadsCount(threads);
    ok = await tf.setBackend('wasm');
  } catch (cause) {
    failure = cause;
  } finally {
    globals.Blob = realBlob;
    URL.createObjectURL = realCreateObjectURL;
    URL.revokeObjectURL = realRevokeObjectURL;
    os.cpus = realCpus;
    tfEnv.set('WASM_HAS_MULTITHREAD_SUPPORT', previousFlag ?? false);
  }
  const actual = ok ? wasmModule.getThreadsCount() : -1;
  if (!ok || actual !== threads) {
    throw new WasmThreadsUnavailableError(
      `the threaded wasm backend did not start with ${threads} threads (got ${actual}${failure ? `: ${String(failure)}` : ''}); fall back to tf.setBackend('wasm') (one thread).`,
      { cause: failure },
    );
  }
  // Emscripten's pthread workers would keep the process alive forever after the script's last line.
  const pool = (tf.backend() as unknown as { wasm?: { PThread?: Record<string, unknown> } }).wasm?.PThread;
  for (const key of ['unusedWorkers', 'runningWorkers']) {
    const workers = pool?.[key];
    if (Array.isArray(workers)) for (const worker of workers) (worker as { unref?: () => void }).unref?.();
  }
  let kernelWorkers = 0;
  const memory = backendMemory(tf.backend());
  if (threads > 1 && memory !== null) {
    try {
      kernelWorkers = (await startKernelWorkers(memory, threads - 1)).count;
    } catch {
      // Optional speed-up: without helpers the SIMD kernel runs on the calling thread.
      kernelWorkers = 0;
    }
  }
  return { threads: actual, trainingKernels, kernelWorkers };
}
