import { WebGPUPackageMissingError } from '../errors';
import { builtinNodeHost, type NodeHost } from '../node-host';
import { detectPlatform, type Platform } from '../platform';

/** Where the `GPU` object (`navigator.gpu`'s type) comes from. */
export type GPUSource = 'navigator.gpu' | 'webgpu';

/** A `GPU` object (typed loosely: `@webgpu/types` is not a dependency of this package). */
export interface GPULike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

/** The `webgpu` npm package: prebuilt Dawn bindings for Node. */
interface DawnModule {
  create(flags: string[]): GPULike;
  globals: Record<string, unknown>;
}

/** The npm package with Dawn for Node (an optional peer dependency). */
export const DAWN_MODULE = 'webgpu';

/** Imports a module by a name the bundler must not resolve (optional peers). */
async function importOptional(name: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

/** The first line of an import error, without the importing file Node names (a bundle chunk). */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/ imported from \S+/g, '');
}

let dawn: GPULike | undefined;

/** Whether this process has created its Dawn instance (then it is also `navigator.gpu`). */
export function dawnLoaded(): boolean {
  return dawn !== undefined;
}

const runtimeDirs = new WeakMap<NodeHost, string>();

/**
 * The `XDG_RUNTIME_DIR` to give Dawn: the one set, else (Linux) a private empty directory made once per
 * host. Without one, the Wayland client that Mesa's Vulkan drivers load prints `error: XDG_RUNTIME_DIR is
 * invalid or not set in the environment.` on stderr, which no caller can catch; in an empty directory it
 * finds no display, quietly.
 */
export function runtimeDirFor(host: NodeHost): string | undefined {
  if (host.env.XDG_RUNTIME_DIR || host.os !== 'linux') return host.env.XDG_RUNTIME_DIR;
  let dir = runtimeDirs.get(host);
  if (dir === undefined) {
    dir = host.makeTempDir('pixsim-xdg-');
    runtimeDirs.set(host, dir);
  }
  return dir;
}

/**
 * The `GPU` to ask for an adapter: `navigator.gpu` where it exists (browsers, Deno), otherwise in Node the
 * `webgpu` package's Dawn instance, created once per process. `@tensorflow/tfjs-backend-webgpu` reads
 * WebGPU from the globals, so in Node Dawn's globals (`GPUBufferUsage`, `GPUMapMode`, …) are defined on
 * `globalThis` where absent, and the instance becomes `navigator.gpu` (on Node's own `navigator` from
 * Node 21, on a `{ gpu }` object before).
 *
 * `platform` (default: detected) `'browser'` never loads Dawn. `host` (default: this process, where
 * `process.getBuiltinModule` exists) gives Dawn a private `XDG_RUNTIME_DIR` where none is set (in
 * `process.env`, so Dawn's later reads see it too).
 *
 * @throws {WebGPUPackageMissingError} in Node when `webgpu` is not installed, or outside Node without
 * `navigator.gpu`.
 */
export async function gpuSource(
  platform: Platform = detectPlatform(),
  host: NodeHost | null = builtinNodeHost(),
): Promise<{ gpu: GPULike; source: GPUSource }> {
  if (dawn && platform === 'node') return { gpu: dawn, source: 'webgpu' }; // also navigator.gpu since then
  const nav = (globalThis as { navigator?: { gpu?: GPULike } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: 'navigator.gpu' };
  if (platform !== 'node') {
    throw new WebGPUPackageMissingError(
      'navigator.gpu',
      'WebGPU is not available here: navigator.gpu is undefined (use a browser with WebGPU enabled, or Node with the webgpu package).',
    );
  }
  let module: DawnModule;
  try {
    module = (await importOptional(DAWN_MODULE)) as DawnModule;
  } catch (error) {
    throw new WebGPUPackageMissingError(
      DAWN_MODULE,
      `WebGPU in Node needs the '${DAWN_MODULE}' package (prebuilt Dawn), which is not installed (${describe(error)}); install it: pnpm add ${DAWN_MODULE}`,
      { cause: error },
    );
  }
  for (const [name, value] of Object.entries(module.globals)) {
    if (!(name in globalThis))
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  // The Vulkan loader and its drivers read the environment when Dawn lists adapters (this process's).
  const runtimeDir = host === null ? undefined : runtimeDirFor(host);
  if (host !== null && runtimeDir !== undefined) host.env.XDG_RUNTIME_DIR = runtimeDir;
  dawn = module.create([]);
  const target = (globalThis as { navigator?: object }).navigator;
  if (target) Object.defineProperty(target, 'gpu', { value: dawn, configurable: true });
  else
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: dawn },
      configurable: true,
      writable: true,
    });
  return { gpu: dawn, source: 'webgpu' };
}
