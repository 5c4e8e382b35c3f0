import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../wasm-training/register';

/** Loads the wasm backend and registers the training kernels (tests and benchmarks only). */
export async function loadWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
}

/** Runs `f` with `backend` active and switches back to the previous backend afterwards. */
export async function onBackend<T>(backend: string, f: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
    throw new Error(`backend '${backend}' could not be initialised`);
  }
  try {
    return await f();
  } finally {
    await tf.setBackend(previous);
  }
}

/** Largest |a − b| relative to max(1, max |b|): the parity metric of the test suite. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst / scale;
}

/**
 * Runs `run` three times on the active backend and checks that it leaves `inputs` as they were (values
 * and backend reference counts) and frees everything it allocates (`tf.memory().numTensors` and the
 * backend's data-id count return to their start). `run` must dispose what it returns.
 */
export function expectInputsUntouched(inputs: tf.Tensor[], run: () => void): void {
  const backend = tf.engine().backend as unknown as {
    numDataIds(): number;
    refCount(dataId: object): number;
  };
  const before = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds() };
  const refs = inputs.map((t) => backend.refCount(t.dataId));
  const copies = inputs.map((t) => Float32Array.from(t.dataSync()));
  for (let i = 0; i < 3; i++) run();
  if (inputs.some((t, i) => backend.refCount(t.dataId) !== refs[i])) {
    throw new Error(`reference counts changed: ${refs} → ${inputs.map((t) => backend.refCount(t.dataId))}`);
  }
  for (const [i, t] of inputs.entries()) {
    const now = t.dataSync();
    if (now.some((v, j) => !Object.is(v, copies[i][j]))) throw new Error(`input ${i} was modified`);
  }
  if (tf.memory().numTensors !== before.tensors) {
    throw new Error(`tensors leaked: ${before.tensors} → ${tf.memory().numTensors}`);
  }
  if (backend.numDataIds() !== before.dataIds) {
    throw new Error(`backend buffers leaked: ${before.dataIds} → ${backend.numDataIds()}`);
  }
}
