import type { WasmMemoryLike } from './simd-kernels';

/** Helper threads that run shares of the SIMD kernels on the wasm backend's shared memory. */
export interface KernelWorkers {
  /** Number of helper threads (the calling thread runs one more share). */
  readonly count: number;
  /** False once a helper has exited or timed out; the calling thread then runs every share itself. */
  readonly alive: boolean;
  /**
   * Runs `fg_run(...shares[i])` for share `i ≥ 1` on helper `i − 1` and `onCaller(shares[0])` on the calling
   * thread, and returns when all are done. Blocks the calling thread (`Atomics.wait`), which Node allows.
   */
  runShares(shares: number[][], onCaller: (args: number[]) => void): void;
}

const pools = new WeakMap<WasmMemoryLike, KernelWorkers>();

/** The helper threads started on `memory` by `startKernelWorkers` (Node), if any. */
export function kernelWorkersFor(memory: WasmMemoryLike): KernelWorkers | undefined {
  return pools.get(memory);
}

/** Records the helper threads started on `memory` (by the Node entry's `startKernelWorkers`). */
export function setKernelWorkers(memory: WasmMemoryLike, workers: KernelWorkers): void {
  pools.set(memory, workers);
}
