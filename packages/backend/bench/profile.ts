// Per-kernel time of one ResNet18 training step on wasm.
//   `tsx bench/profile.ts [width] [batch] [--cpu] [--threads N]`: one configuration, wall-clock per kernel
//   (quiet machine); `--cpu` uses process CPU time instead (all threads: it also counts V8's GC threads and
//   idle-spinning pool threads against whichever kernel is running); `--threads N` starts the threaded build
//   (`initWasmThreads`) first.
//   `tsx bench/profile.ts [width] [batch] --compare [--rounds R]`: where the second core idles. Runs one
//   thread and two threads in alternating child processes (the order rotates every round), R rounds (default 3), and prints per kernel the
//   median wall ms on 1 and 2 threads, their ratio, and the CPU ms on 2 threads (CPU ÷ wall ≈ 2: both cores
//   busy; ≈ 1: the second core idles or only spins).
//   `--configs 1/0,2/1,1/1,2/0` (with `--compare`): XNNPACK pool threads / filter-gradient helper threads per
//   column instead of the default `1/0,2/1`, to tell the two pools apart (`1/1`: only our helper runs beside
//   the calling thread; `2/0`: only XNNPACK's pool thread).
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';
import { setKernelWorkers } from '../src/wasm-training/kernel-workers';
import { startKernelWorkers } from '../src/wasm-training/kernel-workers-node';
import { registerWasmTrainingKernels } from '../src/wasm-training/register';
import { backendMemory } from '../src/wasm-training/simd-kernels';

const argv = process.argv.slice(2);
const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const width = Number(positional[0] ?? 16);
const batch = Number(positional[1] ?? 64);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const STEPS = 3;

/** Per-kernel totals of one configuration, per step. */
interface Profile {
  kernels: Record<string, { wall: number; cpu: number; calls: number }>;
  step: { wall: number; cpu: number };
}

/** One engine configuration: XNNPACK pool threads and filter-gradient helper threads. */
interface Config {
  xnn: number;
  helpers: number;
}

const parseConfig = (text: string): Config => {
  const [xnn, helpers] = text.split('/').map(Number);
  if (!(xnn >= 1) || !(helpers >= 0)) throw new Error(`--configs: want XNN/HELPERS such as 2/1, got ${text}`);
  return { xnn, helpers };
};

/** Starts the wasm engine as `config` says (the plain single-threaded build for `1/0`). */
async function start({ xnn, helpers }: Config): Promise<void> {
  if (xnn === 1 && helpers === 0) {
    registerWasmTrainingKernels();
    return;
  }
  const started = await (await import('../src/wasm-threads')).initWasmThreads({ threads: xnn });
  if (started.threads !== xnn) throw new Error(`asked for ${xnn} threads, got ${started.threads}`);
  if (helpers === started.kernelWorkers) return;
  const memory = backendMemory(tf.backend());
  if (memory === null) throw new Error('no wasm memory');
  if (helpers === 0) {
    // The filter gradient then runs on the calling thread only (it takes 1 + count threads).
    setKernelWorkers(memory, {
      count: 0,
      alive: false,
      runShares: (shares, run) => {
        for (const share of shares) run(share);
      },
    });
  } else if (started.kernelWorkers === 0) {
    await startKernelWorkers(memory, helpers);
  } else {
    throw new Error(`--configs ${xnn}/${helpers}: initWasmThreads already started ${started.kernelWorkers}`);
  }
}

/** Times every wasm kernel of `STEPS` training steps (after one warm-up step) in this process. */
async function profile(config: Config): Promise<Profile> {
  await start(config);
  const cpuNow = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const totals = new Map<string, { wall: number; cpu: number; calls: number }>();
  for (const config of getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    unregisterKernel(config.kernelName, 'wasm');
    registerKernel({
      ...config,
      kernelFunc: (args) => {
        const [w0, c0] = [performance.now(), cpuNow()];
        const out = inner(args);
        const entry = totals.get(config.kernelName) ?? { wall: 0, cpu: 0, calls: 0 };
        entry.wall += performance.now() - w0;
        entry.cpu += cpuNow() - c0;
        entry.calls++;
        totals.set(config.kernelName, entry);
        return out;
      },
    });
  }
  await tf.setBackend('wasm');
  const model = resnet18({ width });
  const opt = tf.train.momentum(0.01, 0.9);
  const { x, y } = randomBatch(batch, 32, 10, 1);
  trainStep(model, opt, x, y);
  totals.clear();
  const [w0, c0] = [performance.now(), cpuNow()];
  for (let i = 0; i < STEPS; i++) trainStep(model, opt, x, y);
  const kernels: Profile['kernels'] = {};
  for (const [name, t] of totals) {
    kernels[name] = { wall: t.wall / STEPS, cpu: t.cpu / STEPS, calls: t.calls / STEPS };
  }
  return { kernels, step: { wall: (performance.now() - w0) / STEPS, cpu: (cpuNow() - c0) / STEPS } };
}

/** Runs {@link profile} in a fresh process (the thread count of the wasm engine is fixed per process). */
function profileInChild({ xnn, helpers }: Config): Profile {
  const out = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1],
      String(width),
      String(batch),
      '--json',
      '--config',
      `${xnn}/${helpers}`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (out.status !== 0 || line === undefined) throw new Error(`profile child failed: ${out.stderr}`);
  return JSON.parse(line) as Profile;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function compare(rounds: number, configs: Config[]): void {
  const runs: Profile[][] = configs.map(() => []);
  // The order rotates every round: on this machine whichever process runs first in a round is often the
  // slowest (measured up to 1.3× on identical configurations), so a fixed order would bias the ratios.
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < configs.length; k++) {
      const i = (k + r) % configs.length;
      runs[i].push(profileInChild(configs[i]));
    }
  }
  const names = [...new Set(runs.flat().flatMap((p) => Object.keys(p.kernels)))];
  const stat = (ps: Profile[], name: string, key: 'wall' | 'cpu') =>
    median(ps.map((p) => p.kernels[name]?.[key] ?? 0));
  const rows = names
    .map((name) => ({
      name,
      wall: runs.map((ps) => stat(ps, name, 'wall')),
      cpu: runs.map((ps) => stat(ps, name, 'cpu')),
      calls: runs.flat().find((p) => p.kernels[name] !== undefined)?.kernels[name].calls ?? 0,
    }))
    .filter((r) => r.wall.some((w) => w > 0.5))
    .sort((a, b) => b.wall[0] - a.wall[0]);
  const f = (v: number) => v.toFixed(1).padStart(7);
  const label = ({ xnn, helpers }: Config) => `${xnn}/${helpers}`;
  console.log(
    `ResNet18 w = ${width}, batch ${batch}, ${STEPS} steps per process, medians of ${rounds} rounds (ms per step);` +
      ' columns: XNNPACK threads / filter-gradient helpers; ratio: first column ÷ this one',
  );
  const rest = configs.slice(1);
  console.log(
    `| kernel | calls | ${label(configs[0])} | ${rest.map((c) => `${label(c)} | ratio | CPU ÷ wall`).join(' | ')} |`,
  );
  console.log(`| --- | --- | --- |${rest.map(() => ' --- | --- | --- |').join('')}`);
  const line = (name: string, calls: string, wall: number[], cpu: number[]) =>
    console.log(
      `| ${name} | ${calls} | ${f(wall[0])} | ${rest
        .map(
          (_, j) =>
            `${f(wall[j + 1])} | ${(wall[0] / wall[j + 1]).toFixed(2)} | ${(cpu[j + 1] / wall[j + 1]).toFixed(2)}`,
        )
        .join(' | ')} |`,
    );
  const kernelWall = configs.map(() => 0);
  const kernelCpu = configs.map(() => 0);
  for (const r of rows) {
    line(r.name, String(r.calls), r.wall, r.cpu);
    r.wall.forEach((w, i) => {
      kernelWall[i] += w;
      kernelCpu[i] += r.cpu[i];
    });
  }
  const stepWall = runs.map((ps) => median(ps.map((p) => p.step.wall)));
  const stepCpu = runs.map((ps) => median(ps.map((p) => p.step.cpu)));
  line(
    'outside kernels',
    '',
    stepWall.map((w, i) => w - kernelWall[i]),
    stepCpu.map((c, i) => c - kernelCpu[i]),
  );
  line('**step**', '', stepWall, stepCpu);
}

if (argv.includes('--compare')) {
  compare(Number(option('rounds', '3')), option('configs', '1/0,2/1').split(',').map(parseConfig));
} else {
  const threads = Number(option('threads', '1'));
  const config = argv.includes('--config')
    ? parseConfig(option('config', '1/0'))
    : { xnn: threads, helpers: threads - 1 };
  const result = await profile(config);
  if (argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    const key = argv.includes('--cpu') ? 'cpu' : 'wall';
    const rows = Object.entries(result.kernels).sort((a, b) => b[1][key] - a[1][key]);
    for (const [name, t] of rows) {
      if (t[key] > 0.3)
        console.log(name.padEnd(24), t[key].toFixed(1).padStart(8), 'ms', String(t.calls).padStart(5));
    }
    const sum = rows.reduce((s, [, t]) => s + t[key], 0);
    console.log(
      `step ${result.step[key].toFixed(0)} ms (kernels ${sum.toFixed(0)} ms) → ${((batch * 1000) / result.step.wall).toFixed(1)} img/s`,
    );
  }
}
