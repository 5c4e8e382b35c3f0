// Child process of wasm-threads.test.ts: `tsx src/testing/threads-child.ts <threads | 0>` trains a tiny
// ResNet for a few steps on wasm (threaded when threads > 0), then computes one filter gradient directly, and
// prints {"threads", "kernelWorkers", "losses", "backend", "filterGradient"} as JSON.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend-node';
import { initWasmThreads } from '../wasm-threads';
import { kernelWorkersFor } from '../wasm-training/kernel-workers';
import { backendMemory } from '../wasm-training/simd-kernels';
import { randomValues } from './filter-gradient';
import { randomBatch, resnet18, trainStep } from './resnet';
import { loadWasm } from './wasm';

// `init:N` starts the engine through initBackend('wasm', { wasmThreads: N }) instead.
const viaInit = process.argv[2].startsWith('init:');
const threads = Number(viaInit ? process.argv[2].slice(5) : process.argv[2]);
let actual = 1;
let kernelWorkers = 0;
if (viaInit) {
  const choice = await initBackend('wasm', { env: {}, log: false, wasmThreads: threads });
  actual = choice.threads;
  const memory = backendMemory(tf.backend());
  kernelWorkers = (memory && kernelWorkersFor(memory)?.count) ?? 0;
} else if (threads > 0) ({ threads: actual, kernelWorkers } = await initWasmThreads({ threads }));
else {
  await loadWasm();
  await tf.setBackend('wasm');
}
const model = resnet18({ width: 8, inputSize: 16, classes: 5, blocks: [1, 1], seed: 3 });
const optimizer = tf.train.momentum(0.05, 0.9);
const losses: number[] = [];
for (let step = 0; step < 8; step++) {
  const { x, y } = randomBatch(16, 16, 5, 50 + step);
  losses.push(trainStep(model, optimizer, x, y));
  tf.dispose([x, y]);
}
// Big enough to be split between the threads: 9 taps × 2 channel blocks.
const x = tf.tensor4d(randomValues([4, 12, 12, 8], 7), [4, 12, 12, 8]);
const dy = tf.tensor4d(randomValues([4, 12, 12, 16], 8), [4, 12, 12, 16]);
const df = tf
  .engine()
  .runKernel(
    'Conv2DBackpropFilter',
    { x, dy },
    { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 8, 16] },
  ) as tf.Tensor;
const filterGradient = Array.from(df.dataSync());
console.log(
  JSON.stringify({ threads: actual, kernelWorkers, losses, backend: tf.getBackend(), filterGradient }),
);
