import { describeValue } from '@pixsim/core';
import { choiceReason, describeBackendChoice } from './choice-lines';
import { BackendUnavailableError, UnknownBackendError } from './errors';
import {
  MODULES,
  type NodeThreads,
  resolveThreads,
  tryBackend,
  tryWebGPU,
  wasmThreadCount,
} from './engine-attempts';
import { builtinNodeHost, type NodeHost } from './node-host';
import { detectPlatform, type Platform } from './platform';
import type { WebGPUAdapterDescription } from './webgpu/adapter';
import { TFJS_WEBGPU_MODULE } from './webgpu/init-webgpu';
import { assertEnv, assertOptionalBoolean, assertOptionalSink, assertOptionsObject } from './options';
import { registerWasmTrainingKernels } from './wasm-training/register';

/**
 * An engine `initBackend` can pick. `tensorflow` is `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`;
 * `webgpu` is `@tensorflow/tfjs-backend-webgpu` (on `navigator.gpu`, or in Node on the `webgpu` package);
 * `webgl` is `@tensorflow/tfjs-backend-webgl` (browsers).
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * What to ask `initBackend` for: `auto` tries, in Node, `tensorflow`, then `webgpu` (hardware only), `wasm`,
 * `cpu`; in a browser `webgpu` (hardware only), `webgl`, `wasm`, `cpu` ({@link AUTO_ORDER}).
 */
export type BackendPreference = 'auto' | BackendName;

export type { Platform } from './platform';

/** The engines `'auto'` tries, fastest first, in Node and in a browser. */
export const AUTO_ORDER: Readonly<Record<Platform, readonly BackendName[]>> = {
  node: ['tensorflow', 'webgpu', 'wasm', 'cpu'],
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
};

/** One candidate `initBackend` tried, in order. */
export interface BackendAttempt {
  /** The engine. */
  backend: BackendName;
  /** The npm package that was imported for it. */
  module: string;
  /** Whether it loaded and initialised. */
  ok: boolean;
  /**
   * A short phrase without file paths: why it failed (`@tensorflow/tfjs-node not installed`,
   * `no Vulkan loader (libvulkan.so.1) found`) or what started (`loaded`, the WebGPU adapter).
   */
  detail: string;
  /** The raw error message when it failed on an error (file paths and all). */
  error?: string;
  /** How to make this engine available, when known (whole sentences). */
  fix?: string;
}

/** The result of {@link initBackend}. */
export interface BackendChoice {
  /** The engine now active (`tf.getBackend()` is the same name). */
  backend: BackendName;
  /** The npm package that provides it. */
  module: string;
  /**
   * One short line: the engine, how it was asked for, its threads (wasm) or adapter (webgpu), and why each
   * engine tried before it was skipped, e.g. `wasm (auto, 1 thread): no tensorflow — @tensorflow/tfjs-node-gpu,
   * @tensorflow/tfjs-node not installed; no webgpu — no Vulkan loader (libvulkan.so.1) found`. The raw
   * errors and fixes are in `tried` ({@link describeBackendChoice} with `verbose` lists them).
   */
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
  /** Where the choice was made (`'node'` or `'browser'`), which sets the order `'auto'` tries. */
  platform: Platform;
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
  /**
   * Also log every engine tried, with its raw error and fix, and the training kernels registered
   * ({@link describeBackendChoice}), on every call. Default `false`: the one-line reason only.
   */
  verbose?: boolean;
  /** Register the wasm training kernels when `wasm` is chosen (default `true`). */
  wasmTrainingKernels?: boolean;
  /** The environment to read `PIXSIM_BACKEND` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /**
   * Threads for the `wasm` engine in Node: an integer 1–8, or `'auto'` for the machine's cores (at most 8).
   * Above 1 the threaded XNNPACK build starts through `initWasmThreads` (with its kernel helper threads),
   * which only `initBackend` from `@pixsim/backend/node` can do; results are identical to one thread. If it
   * cannot start (a browser, the universal `initBackend`, the wasm backend already initialised), the
   * single-threaded engine is used and `reason` says why. The threaded build always registers the training
   * kernels. Default 1.
   */
  wasmThreads?: number | 'auto';
  /**
   * Where this runs, which sets the order `'auto'` tries ({@link AUTO_ORDER}). Default: detected, `'node'`
   * where `process.versions.node` is set, otherwise `'browser'` (web workers too).
   */
  platform?: Platform;
}

const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

let lastLogged: string | undefined;

/**
 * Chooses and activates the fastest TensorFlow.js engine available.
 *
 * `'auto'` (the default) tries, in Node, `tensorflow` (`@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, imported dynamically: both are optional peer dependencies), `webgpu`
 * (`@tensorflow/tfjs-backend-webgpu` through {@link initWebGPU}, only on a hardware adapter: `auto` never
 * trains on a software one such as SwiftShader; Dawn, the `webgpu` package, is loaded only where the GPU
 * loader it needs is installed, `libvulkan.so.1` on Linux, so a machine without a GPU stays free of
 * Dawn's native warnings), `wasm` (`@tensorflow/tfjs-backend-wasm`, with this
 * package's training kernels registered) and `cpu`. In a browser it tries `webgpu` (hardware only),
 * `webgl`, `wasm` (with the training kernels) and `cpu`, using the engines the app has imported
 * (`import '@tensorflow/tfjs-backend-webgl'`, …: a bundler cannot follow the optional imports made here).
 * An explicit name forces that engine; `'webgpu'` always loads Dawn and accepts a software adapter. The
 * result's `reason` (also logged once) says in one short line which engine was chosen and why each one
 * tried before it was skipped; `tried` keeps every attempt with its raw error and fix (logged too with
 * `verbose`). The environment variable `PIXSIM_BACKEND` overrides the argument (in Node), so scripts
 * can be switched without code changes.
 *
 * This is the universal `initBackend` (browsers, web workers, Node): in Node it runs the `wasm` engine on one
 * thread; `initBackend` from `@pixsim/backend/node` also starts the threaded build (`wasmThreads`).
 *
 * @example
 * ```ts
 * import { initBackend } from '@pixsim/backend';
 * const choice = await initBackend();        // 'auto'
 * console.log(choice.reason);
 * // wasm (auto, 1 thread): no tensorflow — @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node not installed;
 * //   no webgpu — no Vulkan loader (libvulkan.so.1) found
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
  return chooseBackend(preference, options, null);
}

/** How the engine was asked for, as the reason says it. */
function howAsked(requested: BackendPreference, fromEnv: string | undefined, platform: Platform): string {
  if (requested !== 'auto') return fromEnv ? `PIXSIM_BACKEND=${fromEnv}` : 'requested';
  return platform === 'browser' ? `auto in a browser: ${AUTO_ORDER.browser.join(' → ')}` : 'auto';
}

/** Logs the reason (once per engine and process, or every call with `verbose`) and the slow-engine warning. */
function report(choice: BackendChoice, requested: BackendPreference, options: InitBackendOptions): void {
  const log = options.log === undefined ? console.info : options.log;
  if (log !== false && (options.verbose || lastLogged !== choice.backend)) {
    lastLogged = choice.backend;
    for (const line of describeBackendChoice(choice, { verbose: options.verbose }))
      log(`[@pixsim/backend] ${line}`);
  }
  const warning = choice.platform === 'node' ? slowEngineWarning(requested, choice.backend) : null;
  if (warning) {
    choice.warning = warning;
    const warn = options.warn === undefined ? console.warn : options.warn;
    if (warn !== false && !slowEngineWarned) {
      slowEngineWarned = true;
      warn(`[@pixsim/backend] ${warning}`);
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The typed error when no candidate started: the short reasons, then the fix. */
function unavailable(
  requested: BackendPreference,
  platform: Platform,
  tried: BackendAttempt[],
  webgpuError: unknown,
): BackendUnavailableError {
  const summary = tried.map((a) => `${a.backend}: ${a.detail}`).join('; ');
  const fix =
    requested === 'tensorflow'
      ? "install @tensorflow/tfjs-node (or -gpu), or ask for 'auto'"
      : requested === 'webgpu'
        ? `pnpm add ${TFJS_WEBGPU_MODULE} webgpu (webgpu: Dawn for Node) and install a GPU driver (Linux: libvulkan1 and the vendor's Vulkan driver), or ask for 'auto'`
        : requested === 'auto'
          ? platform === 'browser'
            ? "import '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-wasm' or '@tensorflow/tfjs-backend-cpu' in your app before initBackend"
            : 'install @tensorflow/tfjs-backend-wasm or @tensorflow/tfjs-backend-cpu'
          : `install ${MODULES[requested as BackendName].join(' or ')}, or ask for 'auto'`;
  // Explicit webgpu: what its attempt knows beyond a missing package (the driver to install, say).
  const specific = tried.find((a) => a.backend === 'webgpu' && a.fix && !a.detail.endsWith(' not installed'));
  const more = requested === 'webgpu' && specific?.fix ? ` ${capitalise(specific.fix)}` : '';
  return new BackendUnavailableError(
    requested,
    `no usable backend for '${requested}': ${summary}. Fix: ${fix}.${more}`,
    requested === 'webgpu' ? { cause: webgpuError } : undefined,
  );
}

/**
 * {@link initBackend} with the Node entry's threaded wasm start (`nodeThreads`), or without (`null`), and
 * `host`, what the WebGPU probe reads (default: this process; `null`: no probe, as in a browser).
 *
 * @internal
 */
export async function chooseBackend(
  preference: BackendPreference,
  options: InitBackendOptions,
  nodeThreads: NodeThreads | null,
  host: NodeHost | null = builtinNodeHost(),
): Promise<BackendChoice> {
  const fn = 'initBackend';
  assertOptionsObject(fn, options, '{ wasmThreads: 2, log: false }');
  assertEnv(fn, options.env);
  assertOptionalSink(fn, 'log', options.log);
  assertOptionalSink(fn, 'warn', options.warn);
  assertOptionalBoolean(fn, 'wasmTrainingKernels', options.wasmTrainingKernels);
  assertOptionalBoolean(fn, 'verbose', options.verbose);
  const platform = options.platform ?? detectPlatform();
  const env = options.env ?? globalThis.process?.env ?? {};
  const fromEnv = env.PIXSIM_BACKEND?.trim();
  const requested = (fromEnv ? fromEnv.toLowerCase() : preference) as BackendPreference;
  if (!PREFERENCES.includes(requested)) {
    const source = fromEnv ? `PIXSIM_BACKEND='${fromEnv}'` : `initBackend(${describeValue(preference)})`;
    throw new UnknownBackendError(
      `${source} names no known backend; use one of ${PREFERENCES.map((p) => `'${p}'`).join(', ')}.`,
    );
  }
  const candidates: readonly BackendName[] = requested === 'auto' ? AUTO_ORDER[platform] : [requested];
  const registerTraining = options.wasmTrainingKernels ?? true;
  const threads = resolveThreads(options.wasmThreads, platform, nodeThreads);
  const tried: BackendAttempt[] = [];
  let adapter: WebGPUAdapterDescription | null = null;
  let webgpuError: unknown;
  for (const backend of candidates) {
    if (backend === 'webgpu') {
      const attempt = await tryWebGPU(requested === 'auto', platform, platform === 'node' ? host : null);
      tried.push(attempt.attempt);
      adapter = attempt.adapter;
      webgpuError = attempt.error;
    } else {
      tried.push(...(await tryBackend(backend, registerTraining, threads, platform, nodeThreads)));
    }
    if (!tried[tried.length - 1]?.ok) continue;
    const trainingKernels = backend === 'wasm' && registerTraining ? registerWasmTrainingKernels() : [];
    const usedThreads = backend === 'wasm' ? wasmThreadCount() : 1;
    const choice: BackendChoice = {
      backend,
      module: tried[tried.length - 1].module,
      reason: choiceReason(backend, howAsked(requested, fromEnv, platform), usedThreads, tried),
      tried,
      trainingKernels,
      threads: usedThreads,
      adapter,
      platform,
    };
    report(choice, requested, options);
    return choice;
  }
  throw unavailable(requested, platform, tried, webgpuError);
}
