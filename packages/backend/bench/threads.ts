// Two threads against one, on a long run: `tsx bench/threads.ts [--steps 50] [--widths 16,32,64] [--batch 64]
// [--rounds 1]`. For every width, trains the ResNet18 of `src/testing/resnet.ts` for `steps` SGD steps (a new
// seeded batch every step) once on one thread (wasm + this package's kernels) and once after
// `initWasmThreads({ threads: 2 })`, each in its own process (the order alternates every round), and prints
// whether every loss and the final weights are bit-identical, and the median step time of each: the issue #17
// check ("two-thread training ≥ 1.6× one thread, bit-identical losses over 50 steps").
// `--child THREADS WIDTH BATCH STEPS` runs one configuration and prints its JSON.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';

interface Run {
  threads: number;
  /** Every step's loss as the hex bits of its float32. */
  losses: string[];
  /** SHA-256 of every weight's bytes after the last step (trainable and batch-norm statistics). */
  weights: string;
  /** Wall ms of every step (the first includes compilation and warm-up). */
  stepMs: number[];
  /** Process CPU ms (all threads) in user and in system mode over steps 2…N. */
  cpu: { user: number; system: number };
}

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};

const bits = (v: number) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v);
  return view.getUint32(0).toString(16).padStart(8, '0');
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function child(threads: number, width: number, batch: number, steps: number): Promise<Run> {
  if (threads > 1) {
    await (await import('../src/wasm-threads')).initWasmThreads({ threads });
  } else {
    await import('@tensorflow/tfjs-backend-wasm');
    (await import('../src/wasm-training/register')).registerWasmTrainingKernels();
    await tf.setBackend('wasm');
  }
  const model = resnet18({ width, seed: 7 });
  const optimizer = tf.train.momentum(0.01, 0.9);
  const losses: string[] = [];
  const stepMs: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let step = 0; step < steps; step++) {
    const { x, y } = randomBatch(batch, 32, 10, 1000 + step);
    if (step === 1) cpu0 = process.cpuUsage();
    const t0 = performance.now();
    losses.push(bits(trainStep(model, optimizer, x, y)));
    stepMs.push(performance.now() - t0);
    tf.dispose([x, y]);
  }
  const used = process.cpuUsage(cpu0);
  const hash = createHash('sha256');
  for (const w of model.getWeights()) hash.update(new Uint8Array((w.dataSync() as Float32Array).buffer));
  return {
    threads,
    losses,
    weights: hash.digest('hex').slice(0, 16),
    stepMs,
    cpu: { user: used.user / 1000, system: used.system / 1000 },
  };
}

function run(threads: number, width: number, batch: number, steps: number): Run {
  const out = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--child',
      String(threads),
      String(width),
      String(batch),
      String(steps),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (out.status !== 0 || line === undefined)
    throw new Error(`threads ${threads} w${width} failed:\n${out.stderr}`);
  return JSON.parse(line) as Run;
}

if (argv[0] === '--child') {
  const [, threads, width, batch, steps] = argv.map(Number);
  console.log(JSON.stringify(await child(threads, width, batch, steps)));
} else {
  const steps = Number(option('steps', '50'));
  const batch = Number(option('batch', '64'));
  const rounds = Number(option('rounds', '1'));
  const widths = option('widths', '16,32,64').split(',').map(Number);
  console.log(
    `ResNet18, 32×32×3, batch ${batch}, ${steps} steps per process (step time: median over steps 2–${steps}), ` +
      `${rounds} round(s), one- and two-thread processes alternating\n`,
  );
  console.log(
    '| width | round | 1 thread (ms/step) | 2 threads (ms/step) | 1 ÷ 2 | 2 threads: CPU ÷ wall (system) | losses | final weights |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const width of widths) {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      const [a, b] = order.map((t) => run(t, width, batch, steps));
      const [one, two] = a.threads === 1 ? [a, b] : [b, a];
      const firstDiff = one.losses.findIndex((l, i) => l !== two.losses[i]);
      const t1 = median(one.stepMs.slice(1));
      const t2 = median(two.stepMs.slice(1));
      // Wall ms of steps 2…N, against which the CPU time of the same steps is set.
      const wall2 = two.stepMs.slice(1).reduce((a, b) => a + b, 0);
      const cpuCell = `${((two.cpu.user + two.cpu.system) / wall2).toFixed(2)} (${(two.cpu.system / wall2).toFixed(2)})`;
      const lossCell =
        firstDiff < 0
          ? `all ${steps} bit-identical`
          : `differ from step ${firstDiff + 1} (${one.losses[firstDiff]} vs ${two.losses[firstDiff]})`;
      const weightCell =
        one.weights === two.weights
          ? `identical (${one.weights})`
          : `differ (${one.weights} vs ${two.weights})`;
      console.log(
        `| ${width} | ${round + 1} | ${t1.toFixed(1)} | ${t2.toFixed(1)} | ${(t1 / t2).toFixed(2)} | ${cpuCell} | ${lossCell} | ${weightCell} |`,
      );
    }
  }
}
