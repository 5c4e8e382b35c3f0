// `tsx bench/filter-gradient.ts [batch]`: the wasm filter-gradient paths of this package on the convolutions
// of a ResNet18 at width 16 (32×32 input), next to the stock XNNPACK forward convolution of the same layer.
// Median wall-clock milliseconds of 9 calls after a warm-up; '-' where a path does not apply.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import {
  convolutionFilterGradient,
  pointwiseFilterGradient,
} from '../src/wasm-training/conv2d-backprop-filter';
import type { WasmBackendLike } from '../src/wasm-training/kernel-context';
import { registerWasmTrainingKernels } from '../src/wasm-training/register';
import {
  planShiftedFilterGradient,
  shiftedFilterGradient,
} from '../src/wasm-training/shifted-filter-gradient';
import { simdFilterGradient, simdFilterGradientKernels } from '../src/wasm-training/simd-filter-gradient';

const batch = Number(process.argv[2] ?? 64);
registerWasmTrainingKernels();
await tf.setBackend('wasm');
const backend = tf.backend() as unknown as WasmBackendLike;
const kernels = simdFilterGradientKernels(backend);

function median(f: () => void): number {
  f();
  const times: number[] = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[4];
}

// [input size, input channels, kernel, stride, output channels] of every distinct ResNet18 (w = 16) layer.
const layers: Array<[number, number, number, number, number]> = [
  [32, 3, 3, 1, 16],
  [32, 16, 3, 1, 16],
  [32, 16, 3, 2, 32],
  [32, 16, 1, 2, 32],
  [16, 32, 3, 1, 32],
  [16, 32, 3, 2, 64],
  [8, 64, 3, 1, 64],
  [8, 64, 3, 2, 128],
  [4, 128, 3, 1, 128],
];
console.log(`batch ${batch}, median ms of 9 calls (wall)\n`);
console.log('| layer | forward conv | SIMD kernel | shifted views | big-filter conv | 1×1 gather |');
console.log('|---|---|---|---|---|---|');
for (const [size, cin, k, stride, cout] of layers) {
  const x = tf.randomNormal([batch, size, size, cin]) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, cin, cout]) as tf.Tensor4D;
  const info = backend_util.computeConv2DInfo(x.shape, w.shape, stride, 1, 'same');
  const dy = tf.randomNormal([batch, info.outHeight, info.outWidth, cout]) as tf.Tensor4D;
  const time = (path: () => TensorInfo) => median(() => backend.disposeData(path().dataId)).toFixed(2);
  const plan = planShiftedFilterGradient(info);
  const row = [
    `${size}²×${cin} → ${cout}, ${k}×${k}/${stride}`,
    median(() => tf.conv2d(x, w, stride, 'same').dispose()).toFixed(2),
    kernels ? time(() => simdFilterGradient(backend, kernels, x, dy, info)) : 'n/a',
    plan ? time(() => shiftedFilterGradient(backend, x, dy, info, plan)) : '-',
    k > 1 ? time(() => convolutionFilterGradient(backend, x, dy, info)) : '-',
    k === 1 ? time(() => pointwiseFilterGradient(backend, x, dy, info)) : '-',
  ];
  console.log(`| ${row.join(' | ')} |`);
  tf.dispose([x, w, dy]);
}
