// The timed bench tasks; each runs in a process of its own (see run.ts) and returns one figure.
import {
  gaussianNoiseAttack,
  robustnessCurve,
  runBoundaryAttack,
  runHopSkipJump,
  runSquareAttack,
} from '@pixsim/attacks';
import { resnet18 } from '@pixsim/models';
import * as tf from '@tensorflow/tfjs-core';
import { randomizeBatchNorms } from '../src/test-helpers';
import { type Engine, fig2bSetup, greyResnet16, onEngine, startBackend } from './setup';

/** One image at a time (`single`) or every image in one call (`batched`). */
export type Batching = 'batched' | 'single';

/** A task's figure and what it says about the run (accuracies, query counts) for the log. */
export interface TaskResult {
  value: number;
  note?: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** img/s of a batch of 64 through the RGB CIFAR ResNet18 at `width`. */
export async function forward(engine: Engine, threads: number, width: number): Promise<TaskResult> {
  await startBackend(engine, threads);
  const model = resnet18({ inputShape: [32, 32, 3], classes: 10, width, seed: 1 });
  randomizeBatchNorms(model, 1);
  const m = await onEngine(engine, threads, model);
  const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1);
  const call = () => tf.tidy(() => m.model.predict(x).dataSync());
  call();
  const times: number[] = [];
  const budget = performance.now() + 8000;
  while (times.length < 3 || (times.length < 15 && performance.now() < budget)) {
    const t = performance.now();
    call();
    times.push(performance.now() - t);
  }
  await m.dispose();
  return { value: 64 / (median(times) / 1000) };
}

/** Model queries/s of the Boundary Attack (50 steps) on 50 test images, grey ResNet18 w = 16. */
export async function boundary(engine: Engine, threads: number): Promise<TaskResult> {
  const { m, clf, images } = await greyResnet16(engine, threads, 50);
  const t = performance.now();
  const r = runBoundaryAttack(clf, images, { seed: 1, steps: 50 });
  const seconds = (performance.now() - t) / 1000;
  const queries = r.queries.reduce((a, b) => a + b, 0);
  tf.dispose([r.adversarials, images]);
  await m.dispose();
  return { value: queries / seconds };
}

/** fig2b's ε grid: `linspace(0, 0.1, 10)`. */
export const NOISE_EPSILONS = Array.from({ length: 10 }, (_, i) => (0.1 * i) / 9);

/** Wall seconds of the Gaussian-noise curve on the first `n` test images, fig2b's model and grid, batch 250. */
export async function noise(engine: Engine, threads: number, n: number): Promise<TaskResult> {
  const s = await fig2bSetup(engine, threads, n);
  const t = performance.now();
  const curve = robustnessCurve(s.clf, s, gaussianNoiseAttack(), NOISE_EPSILONS, { seed: 1, batchSize: 250 });
  const seconds = (performance.now() - t) / 1000;
  await s.dispose();
  return {
    value: seconds,
    note: `accuracy ${curve.accuracy.map((a) => (a.mean as number).toFixed(4)).join(' ')}`,
  };
}

/** Runs `attack` on all `n` images in one call, or on each image alone (same streams via `indexOffset`). */
function timed(
  images: tf.Tensor4D,
  batching: Batching,
  attack: (
    x: tf.Tensor4D,
    indexOffset: number,
  ) => { queries: Int32Array; success: boolean[]; adversarials: tf.Tensor },
): { seconds: number; queries: number; fooled: number } {
  const n = images.shape[0];
  const parts = batching === 'batched' ? [[0, n]] : Array.from({ length: n }, (_, i) => [i, 1]);
  let queries = 0;
  let fooled = 0;
  const t = performance.now();
  for (const [start, size] of parts) {
    const x = tf.slice(images, [start], [size]) as tf.Tensor4D;
    const r = attack(x, start);
    queries += r.queries.reduce((a, b) => a + b, 0);
    fooled += r.success.filter(Boolean).length;
    tf.dispose([x, r.adversarials]);
  }
  return { seconds: (performance.now() - t) / 1000, queries, fooled };
}

/** Wall seconds of the Square Attack (L∞, ε = 8/255, 100 queries) on `n` test images. */
export async function square(
  engine: Engine,
  threads: number,
  n: number,
  batching: Batching,
): Promise<TaskResult> {
  const s = await fig2bSetup(engine, threads, n);
  const r = timed(s.images, batching, (x, indexOffset) =>
    runSquareAttack(s.clf, x, 8 / 255, { seed: 1, maxQueries: 100, indexOffset }),
  );
  await s.dispose();
  return { value: r.seconds, note: `${r.queries} queries, ${r.fooled}/${n} fooled` };
}

/** Wall seconds of HopSkipJump (L2, 4 steps, 50–100 probes, 500 initial directions) on `n` test images. */
export async function hopSkipJump(
  engine: Engine,
  threads: number,
  n: number,
  batching: Batching,
): Promise<TaskResult> {
  const s = await fig2bSetup(engine, threads, n);
  const options = { seed: 1, steps: 4, initialProbes: 50, maxProbes: 100, initDirections: 500 };
  const r = timed(s.images, batching, (x, indexOffset) =>
    runHopSkipJump(s.clf, x, { ...options, indexOffset }),
  );
  await s.dispose();
  return { value: r.seconds, note: `${r.queries} queries, ${r.fooled}/${n} fooled` };
}
