/**
 * The demo's training thread: loads the digits, starts the engine and runs both trainings, posting every step,
 * probe and noise curve to the page. Training here keeps the page responsive: every step reads its losses
 * back synchronously, which would otherwise block the page's drawing for the whole run.
 */
import { registerWasmTrainingKernels } from '@pixsim/backend';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers the gradients of tfjs-core's ops (needed to train).
import '@tensorflow/tfjs-layers';
import { decodeDigits } from './data';
import { type DemoSettings, DemoExperiment, type RunKind } from './experiment';
import type { EnginePreference, FromWorker, ToWorker } from './protocol';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  location: Location;
};

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let stopRequested = false;
let running = false;

/**
 * Starts `wasm` with pixsim's training kernels (the .wasm binaries are served beside this script), or `cpu`.
 * `initBackend('auto')` of `@pixsim/backend` does this choice in Node; it is not browser-safe yet (it imports
 * the engines by package name at run time, which a browser cannot resolve).
 */
async function startEngine(preference: EnginePreference): Promise<void> {
  let why = '';
  if (preference !== 'cpu') {
    try {
      setWasmPaths(new URL('./', scope.location.href).href);
      const kernels = registerWasmTrainingKernels();
      if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
      await tf.ready();
      post({
        type: 'engine',
        backend: 'wasm',
        detail: `@tensorflow/tfjs-backend-wasm with pixsim's training kernels (${kernels.length})`,
      });
      return;
    } catch (error) {
      if (preference === 'wasm') throw error;
      why = `wasm did not start (${error instanceof Error ? error.message : String(error)}); `;
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  post({ type: 'engine', backend: 'cpu', detail: `${why}@tensorflow/tfjs-backend-cpu (pure JavaScript)` });
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function start(settings: DemoSettings, engine: EnginePreference, dataUrl: string): Promise<void> {
  await startEngine(engine);
  const response = await fetch(dataUrl);
  if (!response.ok) throw new Error(`could not load ${dataUrl}: HTTP ${response.status}`);
  const data = await decodeDigits(await response.arrayBuffer());
  const experiment = new DemoExperiment(data, settings);
  try {
    const targets = experiment.targets;
    let nonZero = 0;
    for (let i = 0; i < targets.n; i++) {
      for (let j = i + 1; j < targets.n; j++) if (targets.matrix[i * targets.n + j] !== 0) nonZero++;
    }
    const pairCount = (targets.n * (targets.n - 1)) / 2;
    const fixedImages = new Uint8Array(experiment.fixedIds.length * 784);
    experiment.fixedIds.forEach((id, k) => {
      fixedImages.set(data.train.images.subarray(id * 784, (id + 1) * 784), k * 784);
    });
    post({
      type: 'data',
      info: {
        trainCount: data.train.count,
        testCount: Math.min(settings.testCount, data.test.count),
        pairCount,
        nonZeroShare: nonZero / pairCount,
        fixedImages,
        fixedLabels: experiment.fixedIds.map((id) => data.train.labels[id]),
        fixedTargets: experiment.fixedTargets,
      },
    });
    for (const kind of ['unregularized', 'regularized'] as RunKind[]) {
      post({ type: 'phase', kind });
      await experiment.run(kind, {
        onStep: (record) => post({ type: 'step', record }),
        onProbe: (record) => post({ type: 'probe', record }),
        onNoise: (record) => post({ type: 'noise', record }),
        pause: nextTask,
        cancelled: () => stopRequested,
      });
      if (stopRequested) break;
    }
  } finally {
    experiment.dispose();
  }
  post({ type: 'done', numTensors: tf.memory().numTensors, stopped: stopRequested });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  if (running) return;
  running = true;
  stopRequested = false;
  start(message.settings, message.engine, message.dataUrl)
    .catch((error: unknown) => {
      post({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    })
    .finally(() => {
      running = false;
    });
};
