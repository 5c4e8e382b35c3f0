import { KernelWorkerError } from '../errors';
import { type KernelWorkers, kernelWorkersFor, setKernelWorkers } from './kernel-workers';
import { isSharedMemory, simdKernelModule, type WasmMemoryLike } from './simd-kernels';

/** Int32 slots per worker in the control buffer: sequence, done, status, argument count, arguments. */
const SLOTS = 32;
const [SEQ, DONE, STATUS, ARGC, ARGS] = [0, 1, 2, 3, 4];
/** A share that takes longer than this is taken as a dead worker (the main thread is blocked meanwhile). */
const TIMEOUT_MS = 120_000;

/**
 * The worker's script (CommonJS, evaluated): instantiate the kernel module on the shared memory, then loop:
 * sleep until the sequence number changes, run `fg_run` on the arguments, publish the sequence as done.
 */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, slot } = workerData;
const { fg_run } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control, slot * ${SLOTS} * 4, ${SLOTS});
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq < 0) break;
  seen = seq;
  let status = 0;
  try {
    fg_run(...Array.from(ctl.subarray(${ARGS}, ${ARGS} + ctl[${ARGC}])));
  } catch (error) {
    status = 1;
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

/** Node's `Worker`, as far as used here. */
interface NodeWorker {
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  on(event: 'exit', listener: () => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

/**
 * Starts `count` Node `worker_threads` that instantiate the SIMD kernel module on the shared `memory` of the
 * threaded wasm backend, so that the filter gradient is split across cores like XNNPACK's own work. The
 * workers are `unref`ed (they do not keep the process alive) and sleep in `Atomics.wait` between calls.
 *
 * @throws {KernelWorkerError} when `memory` is not shared, or a worker fails to start.
 */
export async function startKernelWorkers(memory: WasmMemoryLike, count: number): Promise<KernelWorkers> {
  const existing = kernelWorkersFor(memory);
  if (existing !== undefined) return existing;
  if (!isSharedMemory(memory)) {
    throw new KernelWorkerError(
      'kernel workers need the shared memory of the threaded wasm build; start the backend with initWasmThreads().',
    );
  }
  const { Worker } = (await import('node:worker_threads')) as unknown as {
    Worker: new (script: string, options: object) => NodeWorker;
  };
  const module = simdKernelModule(true);
  const control = new SharedArrayBuffer(SLOTS * 4 * Math.max(1, count));
  const workers: NodeWorker[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, (_, slot) => {
        const worker = new Worker(WORKER_SCRIPT, {
          eval: true,
          workerData: { module, memory, control, slot },
        });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`exited with code ${String(code)}`)));
        });
      }),
    );
  } catch (cause) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new KernelWorkerError(`a kernel worker failed to start: ${String(cause)}`, { cause });
  }
  for (const worker of workers) worker.unref();
  const controls = workers.map((_, slot) => new Int32Array(control, slot * SLOTS * 4, SLOTS));
  let sequence = 0;
  let alive = true;
  // A helper that is gone would leave the caller waiting for the full timeout on every call: from then on
  // the calling thread runs every share itself.
  const retire = () => {
    if (!alive) return;
    alive = false;
    for (const worker of workers) void worker.terminate();
  };
  for (const worker of workers) worker.on('exit', retire);
  const pool: KernelWorkers = {
    count,
    get alive() {
      return alive;
    },
    runShares(shares, onCaller) {
      if (!alive) {
        for (const share of shares) onCaller(share);
        return;
      }
      // Positive and never 0 (a helper's initial "seen" value); negative values mean "stop".
      sequence = (sequence % 0x7fffffff) + 1;
      const helpers = Math.min(controls.length, shares.length - 1);
      for (let w = 0; w < helpers; w++) {
        const ctl = controls[w];
        const args = shares[w + 1];
        ctl[ARGC] = args.length;
        ctl.set(args, ARGS);
        Atomics.store(ctl, SEQ, sequence);
        Atomics.notify(ctl, SEQ);
      }
      let failure: unknown;
      try {
        onCaller(shares[0]);
      } catch (error) {
        failure = error;
      }
      for (let w = 0; w < helpers; w++) {
        const ctl = controls[w];
        const deadline = Date.now() + TIMEOUT_MS;
        let finished = false;
        while (!finished) {
          const done = Atomics.load(ctl, DONE);
          if (done === sequence) finished = true;
          else if (Date.now() > deadline) break;
          else Atomics.wait(ctl, DONE, done, 1000);
        }
        if (!finished) {
          failure ??= new KernelWorkerError(
            `kernel worker ${w} did not finish within ${TIMEOUT_MS / 1000} s; the helpers are stopped and the calling thread now runs every share.`,
          );
          retire();
        } else if (ctl[STATUS] !== 0) {
          failure ??= new KernelWorkerError(
            `kernel worker ${w} trapped running fg_run (an address outside the memory?); the result is incomplete.`,
          );
        }
      }
      if (failure !== undefined) throw failure;
    },
  };
  setKernelWorkers(memory, pool);
  return pool;
}
