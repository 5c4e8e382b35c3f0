// `pnpm bench` (= `tsx bench/run.ts [--rounds 3] [--only forward,boundary,noise,square,hsj] [--images 10000]
// [--attack-images 20] [--engines tfjs-wasm,onnxruntime,onnxruntime-tensors]`): evaluation on tfjs-wasm vs
// onnxruntime-node, each configuration in its own process (the wasm thread count is fixed when its backend
// starts), configurations alternated round by round; medians over rounds.
// - forward: img/s of the ResNet18 (CIFAR variant, 32×32×3) at width 16 and 64, batch 64, 1 and 2 threads;
// - boundary: model queries/s of the Boundary Attack (paper setting: 50 steps) on 50 CIFAR-10 test images;
// - noise: wall time of the full Gaussian-noise curve of fig2b under the `cpu` preset (the CIFAR-10 test set,
//   grey, ResNet18 width 8, ε = linspace(0, 0.1, 10), batch 250), two threads;
// - square / hsj: wall time of the Square Attack (L∞, 100 queries) and of HopSkipJump (L2, 4 steps) on
//   `--attack-images` test images with fig2b's model, all images in one call vs one image per call, two threads.
// tfjs-wasm with 2 threads is `initWasmThreads({ threads: 2 })` of @pixsim/backend/node; onnxruntime-node runs
// `createOnnxModel(model, { threads })` with the tfjs side on 1-thread wasm. `onnxruntime` is the classifier of
// the ONNX model itself (plain values, no tfjs tensor per call); `onnxruntime-tensors` the same session behind
// a tensor-only function, the route taken before plain values (the noise rows only, by default).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Engine } from './setup';
import { type Batching, boundary, forward, hopSkipJump, noise, square, type TaskResult } from './tasks';

type Task = 'forward' | 'boundary' | 'noise' | 'square' | 'hsj';

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

interface Config {
  task: Task;
  engine: Engine;
  threads: number;
  width: number;
  batching: Batching;
}

async function child(c: Config): Promise<TaskResult> {
  const images = Number(option('images', '10000'));
  const attackImages = Number(option('attack-images', '20'));
  switch (c.task) {
    case 'forward':
      return forward(c.engine, c.threads, c.width);
    case 'boundary':
      return boundary(c.engine, c.threads);
    case 'noise':
      return noise(c.engine, c.threads, images);
    case 'square':
      return square(c.engine, c.threads, attackImages, c.batching);
    case 'hsj':
      return hopSkipJump(c.engine, c.threads, attackImages, c.batching);
  }
}

function runChild(c: Config): TaskResult {
  const self = fileURLToPath(import.meta.url);
  const passOn = ['images', 'attack-images'].flatMap((o) =>
    args.includes(`--${o}`) ? [`--${o}`, option(o, '')] : [],
  );
  const argv = [...process.execArgv, self, '--child', JSON.stringify(c), ...passOn];
  const out = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(`child ${JSON.stringify(c)} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string);
}

function configs(): Config[] {
  const tasks = option('only', 'forward,boundary,noise,square,hsj').split(',') as Task[];
  const chosen = option('engines', 'tfjs-wasm,onnxruntime,onnxruntime-tensors').split(',') as Engine[];
  const list: Config[] = [];
  for (const task of tasks) {
    const engines = chosen.filter((e) => e !== 'onnxruntime-tensors' || task === 'noise');
    for (const width of task === 'forward' ? [16, 64] : [task === 'boundary' ? 16 : 8]) {
      for (const threads of task === 'forward' || task === 'boundary' ? [1, 2] : [2]) {
        for (const batching of task === 'square' || task === 'hsj'
          ? (['batched', 'single'] as const)
          : ['batched' as const]) {
          for (const engine of engines) list.push({ task, engine, threads, width, batching });
        }
      }
    }
  }
  return list;
}

const UNIT: Record<Task, string> = {
  forward: 'img/s',
  boundary: 'queries/s',
  noise: 's (wall)',
  square: 's (wall)',
  hsj: 's (wall)',
};

function label(c: Config): string {
  const batching = c.task === 'square' || c.task === 'hsj' ? ` ${c.batching}` : '';
  return `${c.task} w${c.width} ${c.threads}t${batching} ${c.engine}`;
}

function main(): void {
  const rounds = Number(option('rounds', '3'));
  const list = configs();
  const values = list.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order too, so that no configuration always runs first or last in a round.
    const order = list.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const result = runChild(list[i]);
      values[i].push(result.value);
      console.log(
        `round ${r + 1}: ${label(list[i])} → ${result.value.toFixed(2)}${result.note ? ` (${result.note})` : ''}`,
      );
    }
  }
  console.log(`\nmedians of ${rounds} rounds (rounds in brackets); ratio: speed relative to tfjs-wasm`);
  console.log('| task | width | threads | batching | engine | median | rounds | ÷ tfjs-wasm |');
  console.log('|---|---|---|---|---|---|---|---|');
  list.forEach((c, i) => {
    const base = list.findIndex(
      (b) =>
        b.task === c.task &&
        b.width === c.width &&
        b.threads === c.threads &&
        b.batching === c.batching &&
        b.engine === 'tfjs-wasm',
    );
    const [a, b] = [median(values[i]), base >= 0 ? median(values[base]) : Number.NaN];
    const faster = UNIT[c.task].startsWith('s') ? b / a : a / b;
    console.log(
      `| ${c.task} (${UNIT[c.task]}) | ${c.width} | ${c.threads} | ${c.task === 'square' || c.task === 'hsj' ? c.batching : '–'} | ${c.engine} | ${a.toFixed(2)} | ${values[i].map((v) => v.toFixed(2)).join(', ')} | ${Number.isNaN(faster) ? '–' : `${faster.toFixed(2)}×`} |`,
    );
  });
}

if (args[0] === '--child') {
  const result = await child(JSON.parse(args[1]) as Config);
  console.log(JSON.stringify(result));
} else {
  main();
}
