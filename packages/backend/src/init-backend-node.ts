import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as module from 'node:module';
import * as os from 'node:os';
import * as url from 'node:url';
import type { NodeThreads } from './engine-attempts';
import {
  type BackendChoice,
  type BackendPreference,
  chooseBackend,
  type InitBackendOptions,
} from './init-backend';
import { type NodeBuiltins, nodeHost } from './node-host';
import { initWasmThreads } from './wasm-threads';

/** The threaded wasm start and the core count, from Node. */
const nodeThreads: NodeThreads = {
  start: (threads) => initWasmThreads({ threads }),
  cores: os.availableParallelism,
};

/** The files, environment and processes of this Node process, for the WebGPU probe. */
const host = nodeHost({ fs, os, module, url, childProcess } as unknown as NodeBuiltins, import.meta.url);

/**
 * The universal `initBackend` of `@pixsim/backend` (same order, same result, same errors) plus Node's
 * threaded wasm build: with `wasmThreads` above 1 (or `'auto'`: the machine's cores, at most 8) the `wasm`
 * engine starts through {@link initWasmThreads}, with this package's kernel helper threads. It also probes
 * for the GPU loader before `'auto'` loads Dawn on every Node 20 (the universal one needs
 * `process.getBuiltinModule`, Node ≥ 20.16).
 *
 * @example
 * ```ts
 * import { initBackend } from '@pixsim/backend/node';
 * const choice = await initBackend('auto', { wasmThreads: 'auto' }); // e.g. wasm on every core
 * ```
 * @throws {UnknownBackendError} when the preference (or `PIXSIM_BACKEND`) names no engine.
 * @throws {InvalidThreadsError} when `wasmThreads` is not an integer from 1 to 8 or `'auto'`.
 * @throws {BackendUnavailableError} when an explicitly named engine (or, for `auto`, every engine) fails.
 */
export function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendChoice> {
  return chooseBackend(preference, options, nodeThreads, host);
}
