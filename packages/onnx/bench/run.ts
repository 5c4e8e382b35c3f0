// `pnpm bench` (= `tsx bench/run.ts [--rounds 3] [--only forward,boundary,noise] [--images 10000]`):
// evaluation on tfjs-wasm vs onnxruntime-node, each configuration in its own process (the wasm thread count
// is fixed when its backend starts), configurations interleaved round by round; medians over rounds.
// - forward: img/s of the ResNet18 (CIFAR variant, 32×32×3) at width 16 and 64, batch 64, 1 and 2 threads;
// - boundary: model queries/s of the Boundary Attack (paper setting: 50 steps) on 50 CIFAR-10 test images;
// - noise: wall time of a full Gaussian-noise curve (the CIFAR-10 test set, 10 ε, grey 5·(x − 0.5) models),
//   two threads only.
// tfjs-wasm with 2 threads is `initWasmThreads({ threads: 2 })` of @pixsim/backend/node; onnxruntime-node runs
// `createOnnxModel(model, { threads })` with the tfjs side (noise, preprocessing) on 1-thread wasm.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createClassifier,
  gaussianNoiseAttack,
  robustnessCurve,
  runBoundaryAttack,
  scaleShift,
  toGrey,
} from '@pixsim/attacks';
import { initWasmThreads } from '@pixsim/backend/node';
import { cifar10, findDataFolder } from '@pixsim/datasets';
import { resnet18 } from '@pixsim/models';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createOnnxModel } from '../src/index';
import { randomizeBatchNorms } from '../src/test-helpers';

type Engine = 'tfjs-wasm' | 'onnxruntime';
type Task = 'forward' | 'boundary' | 'noise';

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

/** Starts the tfjs side (before any model is built). */
async function startBackend(engine: Engine, threads: number): Promise<void> {
  if (engine === 'tfjs-wasm' && threads > 1) await initWasmThreads({ threads });
  else await tf.setBackend('wasm');
}

/** The logits function of `model` on `engine`. */
async function setup(engine: Engine, threads: number, model: tfl.LayersModel) {
  if (engine === 'tfjs-wasm')
    return { predict: (x: tf.Tensor) => model.predict(x) as tf.Tensor, dispose: async () => {} };
  return createOnnxModel(model, { threads });
}

async function forward(engine: Engine, threads: number, width: number): Promise<number> {
  await startBackend(engine, threads);
  const model = resnet18({ inputShape: [32, 32, 3], classes: 10, width, seed: 1 });
  randomizeBatchNorms(model, 1);
  const m = await setup(engine, threads, model);
  const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1);
  const call = () => tf.tidy(() => m.predict(x).dataSync());
  call();
  const times: number[] = [];
  const budget = performance.now() + 8000;
  while (times.length < 3 || (times.length < 15 && performance.now() < budget)) {
    const t = performance.now();
    call();
    times.push(performance.now() - t);
  }
  await m.dispose();
  return 64 / (median(times) / 1000);
}

/** The grey CIFAR ResNet18 (w = 16) of the paper's evaluation, its classifier, and the first `n` test images. */
async function evaluationSetup(engine: Engine, threads: number, n: number) {
  await startBackend(engine, threads);
  const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 16, seed: 2 });
  randomizeBatchNorms(model, 2);
  const m = await setup(engine, threads, model);
  const cifarDir = findDataFolder('cifar10');
  if (cifarDir == null) {
    throw new Error(
      'bench: CIFAR-10 not found; set PIXSIM_DATA_DIR to a folder holding cifar-10-batches-bin/.',
    );
  }
  const { test } = await cifar10(cifarDir);
  const indices = Array.from({ length: Math.min(n, test.size) }, (_, i) => i);
  const clf = createClassifier(m, { preprocess: [toGrey(), scaleShift(5, 0.5)] });
  return {
    m,
    clf,
    images: test.toTensor(indices, { scale: 'unit' }),
    labels: test.labels.slice(0, indices.length),
  };
}

async function boundary(engine: Engine, threads: number): Promise<number> {
  const { m, clf, images } = await evaluationSetup(engine, threads, 50);
  const t = performance.now();
  const r = runBoundaryAttack(clf, images, { seed: 1, steps: 50 });
  const seconds = (performance.now() - t) / 1000;
  const queries = r.queries.reduce((a, b) => a + b, 0);
  tf.dispose([r.adversarials, images]);
  await m.dispose();
  return queries / seconds;
}

async function noise(engine: Engine, threads: number): Promise<number> {
  const { m, clf, images, labels } = await evaluationSetup(
    engine,
    threads,
    Number(option('images', '10000')),
  );
  const epsilons = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5];
  const t = performance.now();
  const curve = robustnessCurve(clf, { images, labels }, gaussianNoiseAttack(), epsilons, {
    seed: 1,
    batchSize: 100,
  });
  const seconds = (performance.now() - t) / 1000;
  console.error(
    `${engine} ${threads}: accuracy ${curve.accuracy.map((a) => (a.mean ?? Number.NaN).toFixed(4)).join(' ')}`,
  );
  images.dispose();
  await m.dispose();
  return seconds;
}

async function child(task: Task, engine: Engine, threads: number, width: number): Promise<void> {
  const value =
    task === 'forward'
      ? await forward(engine, threads, width)
      : task === 'boundary'
        ? await boundary(engine, threads)
        : await noise(engine, threads);
  console.log(JSON.stringify({ value }));
}

interface Config {
  task: Task;
  engine: Engine;
  threads: number;
  width: number;
}

function runChild(c: Config): number {
  const self = fileURLToPath(import.meta.url);
  const argv = [
    ...process.execArgv,
    self,
    '--child',
    c.task,
    c.engine,
    String(c.threads),
    String(c.width),
    '--images',
    option('images', '10000'),
  ];
  const out = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(`child ${JSON.stringify(c)} failed:\n${out.stderr}`);
  for (const line of out.stderr.split('\n')) if (line.includes('accuracy')) console.log(`  ${line}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!).value;
}

function configs(): Config[] {
  const tasks = option('only', 'forward,boundary,noise').split(',') as Task[];
  const list: Config[] = [];
  for (const task of tasks) {
    const widths = task === 'forward' ? [16, 64] : [16];
    for (const width of widths) {
      // The full noise curve (110k forward passes) only on two threads, the evaluation setting.
      for (const threads of task === 'noise' ? [2] : [1, 2]) {
        for (const engine of ['tfjs-wasm', 'onnxruntime'] as Engine[])
          list.push({ task, engine, threads, width });
      }
    }
  }
  return list;
}

function main(): void {
  const rounds = Number(option('rounds', '3'));
  const list = configs();
  const values = list.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    list.forEach((c, i) => {
      values[i].push(runChild(c));
      console.log(
        `round ${r + 1}: ${c.task} w${c.width} ${c.engine} ${c.threads}t → ${values[i][r].toFixed(1)}`,
      );
    });
  }
  const unit = { forward: 'img/s', boundary: 'queries/s', noise: 's (wall)' };
  console.log('\n| task | width | threads | tfjs-wasm | onnxruntime-node | onnx ÷ tfjs speed |');
  console.log('|---|---|---|---|---|---|');
  for (let i = 0; i < list.length; i += 2) {
    const [a, b] = [median(values[i]), median(values[i + 1])];
    const c = list[i];
    const speedup = c.task === 'noise' ? a / b : b / a;
    console.log(
      `| ${c.task} (${unit[c.task]}) | ${c.width} | ${c.threads} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${speedup.toFixed(2)}× |`,
    );
  }
}

if (args[0] === '--child') {
  await child(args[1] as Task, args[2] as Engine, Number(args[3]), Number(args[4]));
} else {
  main();
}
