// `pnpm bench` (= `tsx bench/run.ts [--steps N] [--widths 16,64] [--no-cpu] [--threads N]`): ResNet18-style networks at
// 32×32×3, batch 64: forward and training images/s and their ratio on `cpu` (one short run), stock
// `wasm` (forward only: it has no Conv2DBackpropFilter) and `wasm` with this package's training kernels,
// single-threaded (`ours`) and with N XNNPACK threads (`ours-threads`, `initWasmThreads`). Where it trains,
// also the network work of a regularized step: 64 classification images plus a batch of 32 pair images
// (k = 16 pairs) through the same network in training mode, one optimizer step on the sum of both losses
// (`pairStep`; the similarity loss itself is benchmarked in @pixsim/regularizer).
// Each configuration runs in its own process (registering kernels is global). Figures are medians over
// the timed steps, both wall-clock and process CPU time (the CPU time is less disturbed by other load).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';

/**
 * The backend work of a regularized step: a classification batch and a pair batch, each through the
 * network in training mode (own batch statistics), one update on `L_task + mean(logits_pairs²)` (a stand-in
 * for `α·L_sim` with the same gradient paths through the network).
 */
function pairStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  pairs: tf.Tensor4D,
): number {
  const loss = optimizer.minimize(() => {
    const task = tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor);
    const pairOut = model.apply(pairs, { training: true }) as tf.Tensor;
    return tf.add(task, tf.mean(tf.square(pairOut))) as tf.Scalar;
  }, true);
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}

type Engine = 'cpu' | 'stock-wasm' | 'ours' | 'ours-threads';
interface Result {
  engine: Engine;
  width: number;
  batch: number;
  forward: { wall: number; cpu: number };
  train?: { wall: number; cpu: number };
  /** The 64 + 32-image step of {@link pairStep}. */
  pairTrain?: { wall: number; cpu: number };
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall and CPU milliseconds of `f` over `runs` calls after one warm-up call. */
function measure(runs: number, f: () => void): { wall: number; cpu: number } {
  f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function child(
  engine: Engine,
  width: number,
  batch: number,
  steps: number,
  train: boolean,
  threads: number,
): Promise<Result> {
  if (engine === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  } else if (engine === 'ours-threads') {
    await (await import('../src/wasm-threads')).initWasmThreads({ threads });
  } else {
    await import('@tensorflow/tfjs-backend-wasm');
    if (engine === 'ours') (await import('../src/wasm-training/register')).registerWasmTrainingKernels();
    await tf.setBackend('wasm');
  }
  const model = resnet18({ width });
  const { x, y } = randomBatch(batch, 32, 10, 1);
  const forward = measure(steps, () => {
    const out = model.predict(x) as tf.Tensor;
    out.dataSync();
    out.dispose();
  });
  const result: Result = { engine, width, batch, forward };
  if (train) {
    const optimizer = tf.train.momentum(0.01, 0.9);
    result.train = measure(steps, () => trainStep(model, optimizer, x, y));
    // Not on cpu: its short run would take minutes per pair step.
    if (engine !== 'cpu') {
      const pairs = randomBatch(32, 32, 10, 2).x;
      result.pairTrain = measure(steps, () => pairStep(model, optimizer, x, y, pairs));
    }
  }
  return result;
}

function run(engine: Engine, width: number, batch: number, steps: number, train: boolean): Result {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      self,
      '--child',
      engine,
      String(width),
      String(batch),
      String(steps),
      String(train),
      String(THREADS),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (out.status !== 0 || line === undefined) throw new Error(`${engine} w${width} failed:\n${out.stderr}`);
  return JSON.parse(line) as Result;
}

/** XNNPACK threads of the `ours-threads` engine (`--threads N`, default 2: this machine's cores). */
const THREADS = Number(option('threads', '2'));

const ips = (batch: number, ms: number) => (batch * 1000) / ms;
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

if (args[0] === '--child') {
  const [, engine, width, batch, steps, train, threads] = args;
  const r = await child(
    engine as Engine,
    Number(width),
    Number(batch),
    Number(steps),
    train === 'true',
    Number(threads),
  );
  console.log(JSON.stringify(r));
} else {
  const steps = Number(option('steps', '5'));
  const widths = option('widths', '16,64').split(',').map(Number);
  const withCpu = !args.includes('--no-cpu');
  console.log(
    `ResNet18-style, 32×32×3, medians of ${steps} timed steps after 1 warm-up (wall ms | CPU ms)\n`,
  );
  console.log(
    '| width | engine | batch | forward img/s (wall / CPU) | train img/s (wall / CPU) | train ÷ forward (wall / CPU) | 64 + 32 train img/s (wall) | 64 + 32 step ÷ 64 step (wall) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const width of widths) {
    const plan: Array<[Engine, number, number, boolean]> = [
      ['ours', 64, steps, true],
      ['ours-threads', 64, steps, true],
      ['stock-wasm', 64, steps, false],
    ];
    // The cpu backend needs ~5 s per image per training step at width 16: one very short run.
    if (withCpu) plan.push(['cpu', 2, 1, width <= 16]);
    for (const [engine, batch, n, train] of plan) {
      const r = run(engine, width, batch, n, train);
      const f = `${fmt(ips(batch, r.forward.wall))} / ${fmt(ips(batch, r.forward.cpu))}`;
      const t = r.train ? `${fmt(ips(batch, r.train.wall))} / ${fmt(ips(batch, r.train.cpu))}` : 'n/a';
      const ratio = r.train
        ? `${(r.train.wall / r.forward.wall).toFixed(2)} / ${(r.train.cpu / r.forward.cpu).toFixed(2)}`
        : 'n/a';
      const pair = r.pairTrain ? fmt(ips(batch + 32, r.pairTrain.wall)) : 'n/a';
      const pairRatio = r.pairTrain && r.train ? (r.pairTrain.wall / r.train.wall).toFixed(2) : 'n/a';
      console.log(`| ${width} | ${engine} | ${batch} | ${f} | ${t} | ${ratio} | ${pair} | ${pairRatio} |`);
    }
  }
}
