import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, InvalidThreadsError, UnknownBackendError } from './errors';
import { adapterSummary, type WebGPUAdapterDescription } from './webgpu/adapter';
import {
  assertEnv,
  assertOptionalBoolean,
  assertOptionalSink,
  assertOptionsObject,
  describeValue,
} from './options';
import { initWebGPU, TFJS_WEBGPU_MODULE } from './webgpu/init-webgpu';
import { initWasmThreads } from './wasm-threads';
import { registerWasmTrainingKernels } from './wasm-training/register';

/**
 * An engine `initBackend` can pick. `tensorflow` is `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`;
 * `webgpu` is `@tensorflow/tfjs-backend-webgpu` (on `navigator.gpu`, or in Node on the `webgpu` package).
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** What to ask `initBackend` for: `auto` tries `tensorflow`, then `webgpu` (hardware only), `wasm`, `cpu`. */
export type BackendPreference = 'auto' | BackendName;

/** One candidate `initBackend` tried, in order. */
export interface BackendAttempt {
  /** The engine. */
  backend: BackendName;
  /** The npm package that was imported for it. */
  module: string;
  /** Whether it loaded and initialised. */
  ok: boolean;
  /** Why it failed (the import or initialisation error), or what succeeded. */
  detail: string;
}

/** The result of {@link initBackend}. */
export interface BackendChoice {
  /** The engine now active (`tf.getBackend()` is the same name). */
  backend: BackendName;
  /** The npm package that provides it. */
  module: string;
  /** A one-line human explanation of the choice. */
  reason: string;
  /** Every candidate tried, in order, including the chosen one (last). */
  tried: BackendAttempt[];
  /** Names of the wasm training kernels registered (empty unless `backend === 'wasm'`). */
  trainingKernels: string[];
  /** XNNPACK threads of the wasm engine (1 unless the threaded build started; 1 for other engines). */
  threads: number;
  /** The GPU the `webgpu` engine runs on (`null` for other engines). */
  adapter: WebGPUAdapterDescription | null;
  /** Set when the choice is much slower than what could be installed (see {@link slowEngineWarning}). */
  warning?: string;
}

/**
 * The warning of an `'auto'` choice that ended on the pure-JavaScript `cpu` engine in Node, where
 * `@tensorflow/tfjs-backend-wasm` runs CNNs at least 30× faster with this package's kernels (e.g. a user with
 * the umbrella `@tensorflow/tfjs` package trained at 7 images/s); `null` otherwise.
 */
export function slowEngineWarning(requested: BackendPreference, chosen: BackendName): string | null {
  const node = typeof globalThis.process?.versions?.node === 'string';
  if (requested !== 'auto' || chosen !== 'cpu' || !node) return null;
  return (
    "'auto' ended on the pure-JavaScript cpu engine, at least 30× slower than wasm with pixsim's kernels " +
    '(forward passes 24–33× in the @pixsim/models bench, training steps far more). Fix: install ' +
    "@tensorflow/tfjs-backend-wasm (e.g. `npm install @tensorflow/tfjs-backend-wasm`) and call initBackend('auto') again, or ask for 'cpu' explicitly to silence this."
  );
}

let slowEngineWarned = false;

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Where the one-time warning of a slow choice goes ({@link slowEngineWarning}): a function, or `false`
   * for silence. Default `console.warn`, once per process.
   */
  warn?: ((line: string) => void) | false;
  /**
   * Where the one-line choice is logged: a function, or `false` for silence. Default `console.info`,
   * once per process (later calls that pick the same engine stay quiet).
   */
  log?: ((line: string) => void) | false;
  /** Register the wasm training kernels when `wasm` is chosen (default `true`). */
  wasmTrainingKernels?: boolean;
  /** The environment to read `PIXSIM_BACKEND` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /**
   * Threads for the `wasm` engine in Node: an integer 1–8, or `'auto'` for the machine's cores (at most 8).
   * Above 1 the threaded XNNPACK build starts through {@link initWasmThreads} (with its kernel helper
   * threads); results are identical to one thread. If it cannot start (not Node, the wasm backend already
   * initialised), the single-threaded engine is used and `reason` says why. The threaded build always
   * registers the training kernels. Default 1.
   */
  wasmThreads?: number | 'auto';
}

const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const MODULES: Record<BackendName, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: [TFJS_WEBGPU_MODULE],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

let lastLogged: string | undefined;

/** Imports a module by a name the bundler must not resolve (all backends are optional peers). */
async function importOptional(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name);
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 200);
}

/** The thread count `wasmThreads` asks for (validated); `'auto'` is the number of cores in Node, else 1. */
async function resolveThreads(option: number | 'auto' | undefined): Promise<number> {
  if (option === undefined) return 1;
  if (option === 'auto') {
    if (typeof globalThis.process?.versions?.node !== 'string') return 1;
    const os = (await import('node:os')) as { availableParallelism?: () => number; cpus(): unknown[] };
    const cores = os.availableParallelism?.() ?? os.cpus().length;
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
function wasmThreadCount(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** Tries the webgpu engine; `auto` refuses a software adapter. */
async function tryWebGPU(
  auto: boolean,
): Promise<{ attempt: BackendAttempt; adapter: WebGPUAdapterDescription | null; error?: unknown }> {
  const module = TFJS_WEBGPU_MODULE;
  try {
    const { adapter, source } = await initWebGPU({ allowSoftware: !auto });
    const via = source === 'webgpu' ? "Dawn (the 'webgpu' package)" : 'navigator.gpu';
    const detail = `${module} initialised on ${adapterSummary(adapter)} through ${via}`;
    return { attempt: { backend: 'webgpu', module, ok: true, detail }, adapter };
  } catch (error) {
    const attempt: BackendAttempt = {
      backend: 'webgpu',
      module,
      ok: false,
      detail: `webgpu: ${describe(error)}`,
    };
    return { attempt, adapter: null, error };
  }
}

/** Tries one engine; returns the attempts made (the last one is the success, if any). */
async function tryBackend(
  backend: Exclude<BackendName, 'webgpu'>,
  registerTraining: boolean,
  threads: number,
): Promise<BackendAttempt[]> {
  const attempts: BackendAttempt[] = [];
  if (backend === 'wasm' && threads > 1) {
    try {
      const started = await initWasmThreads({ threads });
      attempts.push({
        backend,
        module: MODULES.wasm[0],
        ok: true,
        detail: `${MODULES.wasm[0]} loaded and initialised with ${started.threads} threads (${started.kernelWorkers} kernel helper thread${started.kernelWorkers === 1 ? '' : 's'})`,
      });
      return attempts;
    } catch (error) {
      attempts.push({
        backend,
        module: MODULES.wasm[0],
        ok: false,
        detail: `the threaded build did not start (${describe(error)}), using one thread`,
      });
    }
  }
  for (const module of MODULES[backend]) {
    try {
      await importOptional(module);
    } catch (error) {
      attempts.push({
        backend,
        module,
        ok: false,
        detail: `${module} is not installed (${describe(error)})`,
      });
      continue;
    }
    try {
      if (backend === 'wasm' && registerTraining) registerWasmTrainingKernels();
      const ok = await tf.setBackend(backend);
      if (!ok || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      attempts.push({ backend, module, ok: true, detail: `${module} loaded and initialised` });
      return attempts;
    } catch (error) {
      attempts.push({
        backend,
        module,
        ok: false,
        detail: `${module} failed to initialise (${describe(error)})`,
      });
    }
  }
  return attempts;
}

/**
 * Chooses and activates the fastest TensorFlow.js engine available.
 *
 * `'auto'` (the default) tries, in order, `tensorflow` (`@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, imported dynamically: both are optional peer dependencies), `webgpu`
 * (`@tensorflow/tfjs-backend-webgpu` through {@link initWebGPU}, only on a hardware adapter: `auto` never
 * trains on a software one such as SwiftShader), `wasm` (`@tensorflow/tfjs-backend-wasm`, with this
 * package's training kernels registered) and `cpu`. An explicit name forces that engine; `'webgpu'`
 * accepts a software adapter. The reason names the adapter's vendor and architecture. The environment variable `PIXSIM_BACKEND` overrides the argument,
 * so scripts can be switched without code changes.
 *
 * @example
 * ```ts
 * const choice = await initBackend();        // 'auto'
 * console.log(choice.backend, choice.reason); // wasm  "wasm: … not installed; @tensorflow/tfjs-backend-wasm loaded …"
 * ```
 * @throws {UnknownBackendError} when the preference (or `PIXSIM_BACKEND`) is not `auto|tensorflow|webgpu|wasm|cpu`.
 * @throws {BackendUnavailableError} when an explicitly named engine (or, for `auto`, every engine) fails.
 * @throws {InvalidThreadsError} when `wasmThreads` is not an integer from 1 to 8 or `'auto'`.
 * @throws {InvalidOptionError} when `options` or one of its fields has the wrong type.
 */
export async function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendChoice> {
  const fn = 'initBackend';
  assertOptionsObject(fn, options, '{ wasmThreads: 2, log: false }');
  assertEnv(fn, options.env);
  assertOptionalSink(fn, 'log', options.log);
  assertOptionalSink(fn, 'warn', options.warn);
  assertOptionalBoolean(fn, 'wasmTrainingKernels', options.wasmTrainingKernels);
  const env = options.env ?? globalThis.process?.env ?? {};
  const fromEnv = env.PIXSIM_BACKEND?.trim();
  const requested = (fromEnv ? fromEnv.toLowerCase() : preference) as BackendPreference;
  if (!PREFERENCES.includes(requested)) {
    const source = fromEnv ? `PIXSIM_BACKEND='${fromEnv}'` : `initBackend(${describeValue(preference)})`;
    throw new UnknownBackendError(
      `${source} names no known backend; use one of ${PREFERENCES.map((p) => `'${p}'`).join(', ')}.`,
    );
  }
  const candidates: BackendName[] =
    requested === 'auto' ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : [requested];
  const registerTraining = options.wasmTrainingKernels ?? true;
  const threads = await resolveThreads(options.wasmThreads);
  const tried: BackendAttempt[] = [];
  let adapter: WebGPUAdapterDescription | null = null;
  let webgpuError: unknown;
  for (const backend of candidates) {
    if (backend === 'webgpu') {
      const attempt = await tryWebGPU(requested === 'auto');
      tried.push(attempt.attempt);
      adapter = attempt.adapter;
      webgpuError = attempt.error;
    } else {
      tried.push(...(await tryBackend(backend, registerTraining, threads)));
    }
    const last = tried[tried.length - 1];
    if (last?.ok) {
      const failures = tried.filter((a) => !a.ok).map((a) => a.detail);
      const how = requested === 'auto' ? 'auto' : fromEnv ? 'PIXSIM_BACKEND' : 'requested';
      const trainingKernels = backend === 'wasm' && registerTraining ? registerWasmTrainingKernels() : [];
      const reason =
        `${backend} (${how}): ` +
        (failures.length > 0 ? `${failures.join('; ')}; ` : '') +
        last.detail +
        (trainingKernels.length > 0
          ? `; wasm training kernels registered (${trainingKernels.join(', ')})`
          : '');
      const choice: BackendChoice = {
        backend,
        module: last.module,
        reason,
        tried,
        trainingKernels,
        threads: backend === 'wasm' ? wasmThreadCount() : 1,
        adapter,
      };
      const log = options.log === undefined ? console.info : options.log;
      if (log !== false && lastLogged !== backend) {
        lastLogged = backend;
        log(`[@pixsim/backend] ${reason}`);
      }
      const warning = slowEngineWarning(requested, backend);
      if (warning) {
        choice.warning = warning;
        const warn = options.warn === undefined ? console.warn : options.warn;
        if (warn !== false && !slowEngineWarned) {
          slowEngineWarned = true;
          warn(`[@pixsim/backend] ${warning}`);
        }
      }
      return choice;
    }
  }
  const summary = tried.map((a) => a.detail).join('; ');
  const fix =
    requested === 'tensorflow'
      ? "install @tensorflow/tfjs-node (or -gpu), or ask for 'auto'"
      : requested === 'webgpu'
        ? `pnpm add ${TFJS_WEBGPU_MODULE} webgpu (webgpu: Dawn for Node) and install a GPU driver (Linux: libvulkan1 and the vendor's Vulkan driver), or ask for 'auto'`
        : requested === 'auto'
          ? 'install @tensorflow/tfjs-backend-wasm or @tensorflow/tfjs-backend-cpu'
          : `install ${MODULES[requested as BackendName].join(' or ')}, or ask for 'auto'`;
  throw new BackendUnavailableError(
    requested,
    `no usable backend for '${requested}': ${summary}. Fix: ${fix}.`,
    requested === 'webgpu' ? { cause: webgpuError } : undefined,
  );
}
