// Child process of wasm-threads.test.ts: `tsx src/testing/threads-child.ts <threads | 0>` trains a tiny
// ResNet for a few steps on wasm (threaded when threads > 0) and prints {"threads", "losses"} as JSON.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { initWasmThreads } from '../wasm-threads';
import { randomBatch, resnet18, trainStep } from './resnet';
import { loadWasm } from './wasm';

const threads = Number(process.argv[2]);
let actual = 1;
if (threads > 0) actual = (await initWasmThreads({ threads })).threads;
else {
  await loadWasm();
  await tf.setBackend('wasm');
}
const model = resnet18({ width: 8, inputSize: 16, classes: 5, blocks: [1, 1], seed: 3 });
const optimizer = tf.train.momentum(0.05, 0.9);
const losses: number[] = [];
for (let step = 0; step < 4; step++) {
  const { x, y } = randomBatch(16, 16, 5, 50 + step);
  losses.push(trainStep(model, optimizer, x, y));
  tf.dispose([x, y]);
}
console.log(JSON.stringify({ threads: actual, losses, backend: tf.getBackend() }));
