// Per-kernel CPU time (process.cpuUsage, robust to a shared machine) of one ResNet18 training step on wasm: `tsx bench/profile.ts [width] [batch]`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../src/wasm-training/register';
import { randomBatch, resnet18, trainStep } from '../src/testing/resnet';

const width = Number(process.argv[2] ?? 16);
const batch = Number(process.argv[3] ?? 64);
const { initWasmThreads } = await import('../src/wasm-threads');
await initWasmThreads({ threads: 2 });
const times = new Map<string, { ms: number; calls: number }>();
for (const config of getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel({
    ...config,
    kernelFunc: (args) => {
      const c0 = performance.now();
      const out = inner(args);
      const entry = times.get(config.kernelName) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - c0;
      entry.calls++;
      times.set(config.kernelName, entry);
      return out;
    },
  });
}
const model = resnet18({ width });
const opt = tf.train.momentum(0.01, 0.9);
const { x, y } = randomBatch(batch, 32, 10, 1);
trainStep(model, opt, x, y);
times.clear();
const steps = 3;
const c0 = performance.now();
for (let i = 0; i < steps; i++) trainStep(model, opt, x, y);
const total = (performance.now() - c0) / steps;
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
