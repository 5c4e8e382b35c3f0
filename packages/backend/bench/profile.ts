// Per-kernel time of one ResNet18 training step on wasm.
//   `tsx bench/profile.ts [width] [batch] [--cpu] [--threads N]`: one configuration, wall-clock per kernel
//   (quiet machine); `--cpu` uses process CPU time instead (all threads: it also counts V8's GC threads and
//   idle-spinning pool threads against whichever kernel is running); `--threads N` starts the threaded build
//   (`initWasmThreads`) first.
//   `tsx bench/profile.ts [width] [batch] --compare [--rounds R]`: where the second core idles. Runs one
//   thread and two threads in alternating child processes, R rounds (default 3), and prints per kernel the
//   median wall ms on 1 and 2 threads, their ratio, and the CPU ms on 2 threads (CPU ÷ wall ≈ 2: both cores
//   busy; ≈ 1: the second core idles or only spins).
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';
import { registerWasmTrainingKernels } from '../src/wasm-training/register';

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

/** Times every wasm kernel of `STEPS` training steps (after one warm-up step) in this process. */
async function profile(threads: number): Promise<Profile> {
  if (threads > 1) {
    const started = await (await import('../src/wasm-threads')).initWasmThreads({ threads });
    if (started.threads !== threads) throw new Error(`asked for ${threads} threads, got ${started.threads}`);
  } else {
    registerWasmTrainingKernels();
  }
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
function profileInChild(threads: number): Profile {
  const out = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1],
      String(width),
      String(batch),
      '--json',
      '--threads',
      String(threads),
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

function compare(rounds: number): void {
  const one: Profile[] = [];
  const two: Profile[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(profileInChild(1));
    two.push(profileInChild(2));
  }
  const names = [...new Set([...one, ...two].flatMap((p) => Object.keys(p.kernels)))];
  const stat = (ps: Profile[], name: string, key: 'wall' | 'cpu') =>
    median(ps.map((p) => p.kernels[name]?.[key] ?? 0));
  const rows = names
    .map((name) => ({
      name,
      wall1: stat(one, name, 'wall'),
      wall2: stat(two, name, 'wall'),
      cpu2: stat(two, name, 'cpu'),
      calls: one[0].kernels[name]?.calls ?? two[0].kernels[name]?.calls ?? 0,
    }))
    .filter((r) => r.wall1 > 0.5 || r.wall2 > 0.5)
    .sort((a, b) => b.wall1 - a.wall1);
  const f = (v: number) => v.toFixed(1).padStart(7);
  console.log(
    `ResNet18 w = ${width}, batch ${batch}, ${STEPS} steps per process, medians of ${rounds} rounds (ms per step)`,
  );
  console.log('| kernel | calls | 1 thread | 2 threads | 1 ÷ 2 | CPU on 2 threads | CPU ÷ wall |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const line = (name: string, calls: string, w1: number, w2: number, c2: number) =>
    console.log(
      `| ${name} | ${calls} | ${f(w1)} | ${f(w2)} | ${(w1 / w2).toFixed(2)} | ${f(c2)} | ${(c2 / w2).toFixed(2)} |`,
    );
  let [k1, k2, kc] = [0, 0, 0];
  for (const r of rows) {
    line(r.name, String(r.calls), r.wall1, r.wall2, r.cpu2);
    [k1, k2, kc] = [k1 + r.wall1, k2 + r.wall2, kc + r.cpu2];
  }
  const s1 = median(one.map((p) => p.step.wall));
  const s2 = median(two.map((p) => p.step.wall));
  const c2 = median(two.map((p) => p.step.cpu));
  line('outside kernels', '', s1 - k1, s2 - k2, c2 - kc);
  line('**step**', '', s1, s2, c2);
}

if (argv.includes('--compare')) {
  compare(Number(option('rounds', '3')));
} else {
  const result = await profile(Number(option('threads', '1')));
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
