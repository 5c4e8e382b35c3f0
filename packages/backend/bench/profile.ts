// Per-kernel time of one ResNet18 training step on wasm: `tsx bench/profile.ts [width] [batch] [--cpu]`.
// Wall-clock by default (quiet machine); `--cpu` uses process CPU time instead (robust to other load, but it
// also counts V8's GC threads against whichever kernel is running).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../src/wasm-training/register';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';

const width = Number(process.argv[2] ?? 16);
const batch = Number(process.argv[3] ?? 64);
const cpuTime = process.argv.includes('--cpu');
/** Milliseconds now, on the chosen clock. */
const now = () => {
  if (!cpuTime) return performance.now();
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
registerWasmTrainingKernels();
const times = new Map<string, { ms: number; calls: number }>();
for (const config of getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel({
    ...config,
    kernelFunc: (args) => {
      const t0 = now();
      const out = inner(args);
      const entry = times.get(config.kernelName) ?? { ms: 0, calls: 0 };
      entry.ms += now() - t0;
      entry.calls++;
      times.set(config.kernelName, entry);
      return out;
    },
  });
}
await tf.setBackend('wasm');
const model = resnet18({ width });
const opt = tf.train.momentum(0.01, 0.9);
const { x, y } = randomBatch(batch, 32, 10, 1);
trainStep(model, opt, x, y);
times.clear();
const steps = 3;
const start = now();
for (let i = 0; i < steps; i++) trainStep(model, opt, x, y);
const total = (now() - start) / steps;
const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms);
let sum = 0;
for (const [name, { ms, calls }] of rows) {
  sum += ms / steps;
  if (ms / steps > 0.3)
    console.log(
      name.padEnd(24),
      (ms / steps).toFixed(1).padStart(8),
      'ms',
      String(calls / steps).padStart(5),
    );
}
console.log(
  `step ${total.toFixed(0)} ms (kernels ${sum.toFixed(0)} ms) → ${((batch * 1000) / total).toFixed(1)} img/s`,
);
