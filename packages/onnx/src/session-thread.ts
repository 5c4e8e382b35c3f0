import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { OnnxRuntimeFailedError, OnnxRuntimeUnavailableError, SessionDisposedError } from './errors';

/** The command that installs the optional engine (npm users also skip its CUDA download). */
export const ONNX_RUNTIME_INSTALL =
  'pnpm add onnxruntime-node (with npm: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node)';

/** A run that takes longer than this is taken as a hung session thread (the caller is blocked meanwhile). */
const TIMEOUT_MS = 600_000;

/**
 * The session thread's script (CommonJS, evaluated): load onnxruntime-node, create the session, report
 * `ready`, then answer each `run` on the port and bump the control word so the blocked caller wakes up.
 */
const SESSION_SCRIPT = `
const { workerData } = require('node:worker_threads');
const { ortPath, bytes, options, port, control } = workerData;
const ctl = new Int32Array(control);
const reply = (message) => { port.postMessage(message); Atomics.add(ctl, 0, 1); Atomics.notify(ctl, 0); };
const describe = (e) => (e && e.message) || String(e);
(async () => {
  let ort;
  try { ort = require(ortPath); } catch (e) { port.postMessage({ kind: 'unavailable', message: describe(e) }); return; }
  let session;
  try { session = await ort.InferenceSession.create(bytes, options); }
  catch (e) { port.postMessage({ kind: 'failed', message: describe(e) }); return; }
  port.postMessage({ kind: 'ready', version: (ort.env && ort.env.versions && ort.env.versions.node) || 'unknown' });
  port.on('message', async (m) => {
    if (m.kind === 'dispose') { await session.release(); port.close(); return; }
    try {
      const out = await session.run({ [m.input]: new ort.Tensor('float32', m.data, m.dims) });
      const t = out[m.output];
      reply({ kind: 'result', data: new Float32Array(t.data), dims: Array.from(t.dims) });
    } catch (e) { reply({ kind: 'error', message: describe(e) }); }
  });
})();
`;

/** Where `onnxruntime-node` resolves from this package, or `undefined` when it is not installed. */
export function resolveOnnxRuntime(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    return undefined;
  }
}

/** Options of {@link startSessionThread}: the session options of onnxruntime-node. */
export interface SessionThreadOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: 'sequential';
  graphOptimizationLevel: 'all';
}

/** An onnxruntime-node session on its own thread, run synchronously from the calling thread. */
export interface SessionThread {
  /** Version of onnxruntime-node. */
  readonly version: string;
  /** Runs the model on `data` (shape `dims`) and returns the output; blocks until it is done. */
  run(
    input: string,
    output: string,
    data: Float32Array,
    dims: readonly number[],
  ): { data: Float32Array; dims: number[] };
  /** Releases the session and ends the thread. */
  dispose(): Promise<void>;
}

type Reply =
  | { kind: 'ready'; version: string }
  | { kind: 'unavailable' | 'failed' | 'error'; message: string }
  | { kind: 'result'; data: Float32Array; dims: number[] };

function startupError(reply: Reply): Error | undefined {
  if (reply.kind === 'unavailable') {
    return new OnnxRuntimeUnavailableError(
      `onnxruntime-node is installed but could not be loaded here (${reply.message}). Reinstall it: ${ONNX_RUNTIME_INSTALL}.`,
      ONNX_RUNTIME_INSTALL,
    );
  }
  if (reply.kind === 'failed') {
    return new OnnxRuntimeFailedError(
      `onnxruntime-node rejected the exported model: ${reply.message}. Please report this with the model's layers.`,
    );
  }
  return undefined;
}

function waitForReply(port: MessagePort, control: Int32Array, seen: number): Reply {
  if (Atomics.wait(control, 0, seen, TIMEOUT_MS) === 'timed-out') {
    throw new OnnxRuntimeFailedError(
      `the onnxruntime-node session did not answer within ${TIMEOUT_MS / 1000} s.`,
    );
  }
  const received = receiveMessageOnPort(port);
  if (received === undefined)
    throw new OnnxRuntimeFailedError('the onnxruntime-node session thread sent no result.');
  return received.message as Reply;
}

/**
 * Starts a `worker_threads` thread that loads onnxruntime-node (resolved at `ortPath`) and creates a session on
 * `bytes`. Runs are synchronous for the caller (it sleeps in `Atomics.wait` while the session computes), so the
 * session serves the synchronous `predict`/`logits` the attacks call. The thread does not keep the process alive.
 *
 * @throws {@link OnnxRuntimeUnavailableError} when onnxruntime-node cannot be loaded.
 * @throws {@link OnnxRuntimeFailedError} when it rejects the model.
 */
export async function startSessionThread(
  ortPath: string,
  bytes: Uint8Array,
  options: SessionThreadOptions,
): Promise<SessionThread> {
  const { port1, port2 } = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(SESSION_SCRIPT, {
    eval: true,
    // The script is CommonJS whatever flags started the process (e.g. `--input-type=module`).
    execArgv: [],
    workerData: { ortPath, bytes, options, port: port2, control: control.buffer },
    transferList: [port2],
  });
  // Referenced until the session is ready (the caller awaits it), then it no longer keeps the process alive.
  const first = await new Promise<Reply>((resolve, reject) => {
    port1.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the thread exited with code ${code}`)));
  }).catch((cause) => {
    throw new OnnxRuntimeFailedError(
      `the onnxruntime-node session thread failed to start: ${String(cause)}`,
      { cause },
    );
  });
  worker.unref();
  port1.unref();
  const error = startupError(first);
  if (error !== undefined) {
    await worker.terminate();
    throw error;
  }
  let disposed = false;
  return {
    version: (first as { version: string }).version,
    run(input, output, data, dims) {
      if (disposed)
        throw new SessionDisposedError(
          'this ONNX model was disposed; create a new one with createOnnxModel().',
        );
      const seen = Atomics.load(control, 0);
      port1.postMessage({ kind: 'run', input, output, data, dims });
      const reply = waitForReply(port1, control, seen);
      if (reply.kind === 'result') return reply;
      throw new OnnxRuntimeFailedError(
        `onnxruntime-node failed to run the model: ${(reply as { message: string }).message}`,
      );
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      worker.ref(); // the caller awaits the thread's end
      port1.postMessage({ kind: 'dispose' });
      await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    },
  };
}
