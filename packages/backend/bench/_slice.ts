import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
await tf.setBackend('wasm');
await tf.ready();
for (const shape of [
  [64, 30, 30, 8],
  [32, 16, 16, 16],
  [64, 16, 16, 16],
]) {
  const x = tf.randomNormal(shape);
  const size = [shape[0], shape[1] - 2, shape[2] - 2, shape[3]];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) tf.slice(x, [0, 1, 1, 0], size).dispose();
    console.log(shape.join('x'), ((performance.now() - t0) / 10).toFixed(2), 'ms/slice');
  }
  x.dispose();
}
