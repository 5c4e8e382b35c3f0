import { availableParallelism } from 'node:os';
import type { NodeThreads } from './engine-attempts';
import {
  type BackendChoice,
  type BackendPreference,
  chooseBackend,
  type InitBackendOptions,
} from './init-backend';
import { initWasmThreads } from './wasm-threads';

/** The threaded wasm start and the core count, from Node. */
const nodeThreads: NodeThreads = {
  start: (threads) => initWasmThreads({ threads }),
  cores: availableParallelism,
};

/**
 * The universal `initBackend` of `@pixsim/backend` (same order, same result, same errors) plus Node's
 * threaded wasm build: with `wasmThreads` above 1 (or `'auto'`: the machine's cores, at most 8) the `wasm`
 * engine starts through {@link initWasmThreads}, with this package's kernel helper threads.
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
  return chooseBackend(preference, options, nodeThreads);
}
