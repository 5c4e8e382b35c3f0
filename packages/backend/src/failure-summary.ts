import {
  BackendError,
  NoWebGPUAdapterError,
  SoftwareAdapterRefusedError,
  WebGPUPackageMissingError,
} from './errors';
import type { Platform } from './platform';
import { adapterSummary } from './webgpu/adapter';
import { NO_ADAPTER_FIX } from './webgpu/init-webgpu';

/** A failed attempt, as `initBackend` reports it: a short phrase, the raw message, the fix. */
export interface FailureSummary {
  /** A short phrase without file paths, e.g. `@tensorflow/tfjs-node not installed`. */
  detail: string;
  /** The error's whole message (first line for foreign errors), as thrown. */
  error: string;
  /** How to make the engine available, when known: a whole sentence, never cut. */
  fix?: string;
}

/** The error's message (its first line for a foreign error: Node's have stack-like continuations). */
export function rawMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return BackendError.is(error) ? text : text.split('\n')[0];
}

/**
 * The first clause of a message (up to `; ` or the end of the first sentence), without the file paths
 * Node and Vite put in import errors (` imported from /…/chunk-….js`), absolute paths shortened to their file
 * name.
 */
export function firstClause(message: string): string {
  const line = message.split('\n')[0].replace(/ imported (from|by) \S+/g, '');
  const clause = line.split(/; |\.\s+(?=[A-Z])/)[0].replace(/\.$/, '');
  return clause.replace(/(?:file:\/\/)?(?:\/[^\s'"()/]+)+\/([^\s'"()/]+)/g, '…/$1');
}

/** Whether importing `module` failed because `module` itself (not one of its dependencies) is absent. */
export function isModuleMissing(error: unknown, module: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = rawMessage(error);
  // Node: `Cannot find package 'x'`; Vite (vitest): `Could not resolve "x"`.
  const missing =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Could not resolve/.test(message);
  return missing && (message.includes(`'${module}'`) || message.includes(`"${module}"`));
}

/** A failed import of an engine's package. */
export function importFailure(module: string, error: unknown, platform: Platform): FailureSummary {
  const raw = rawMessage(error);
  if (platform === 'browser') {
    return {
      detail: `${module} not loaded`,
      error: raw,
      fix: `import '${module}' in your app before initBackend (a bundler cannot follow the optional import made here).`,
    };
  }
  if (isModuleMissing(error, module)) {
    return {
      detail: `${module} not installed`,
      error: raw,
      fix: `install ${module} (npm install ${module}).`,
    };
  }
  return { detail: `${module} failed to load (${firstClause(raw)})`, error: raw };
}

/** A WebGPU start that failed ({@link initWebGPU}'s typed errors have their own short forms). */
export function webgpuFailure(error: unknown): FailureSummary {
  const raw = rawMessage(error);
  if (
    error instanceof WebGPUPackageMissingError ||
    (BackendError.is(error) && error.code === 'WEBGPU_PACKAGE_MISSING')
  ) {
    const module = (error as WebGPUPackageMissingError).module;
    if (module === 'navigator.gpu') return { detail: 'navigator.gpu is undefined', error: raw };
    return {
      detail: `${module} not installed`,
      error: raw,
      fix: raw.split('; ').slice(1).join('; ') || undefined,
    };
  }
  if (
    error instanceof NoWebGPUAdapterError ||
    (BackendError.is(error) && error.code === 'NO_WEBGPU_ADAPTER')
  ) {
    const source = (error as NoWebGPUAdapterError).source;
    const fix = source === 'webgpu' || source === 'navigator.gpu' ? NO_ADAPTER_FIX[source] : undefined;
    return {
      detail: `${source === 'webgpu' ? 'Dawn' : source} offers no adapter`,
      error: raw,
      fix: fix && `${fix}.`,
    };
  }
  if (
    error instanceof SoftwareAdapterRefusedError ||
    (BackendError.is(error) && error.code === 'SOFTWARE_ADAPTER_REFUSED')
  ) {
    const adapter = (error as SoftwareAdapterRefusedError).adapter;
    return {
      detail: `only a software adapter, ${adapterSummary({ ...adapter, software: true })}, which 'auto' does not use`,
      error: raw,
      fix: "ask for it by name (initBackend('webgpu')) to run on it anyway, or install a GPU driver.",
    };
  }
  return { detail: firstClause(raw), error: raw };
}
