/**
 * `pnpm bench`: images/s of a plain training step (64 classification images) against a regularized
 * step (64 + 2·16 pair images, `L_task + α·L_sim`) on the same small conv net, cpu backend by default.
 *
 *   tsx bench/run.ts [--backend cpu|wasm] [--rounds 5] [--steps 4]
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SimilarityRegularizer, trainStep } from '../src/index';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** MNIST-sized conv net with the tap layout of the pixsim ResNets (stem + strided stages). */
function benchNet(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: s });
  const input = tfl.input({ shape: [28, 28, 1] });
  let x = tfl.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(1),
    })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({}).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu', name: 'stem' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({
      filters: 16,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      name: 'stage1',
      kernelInitializer: init(2),
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const backend = arg('backend', 'cpu');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  const rounds = Number(arg('rounds', '5'));
  const steps = Number(arg('steps', '4'));
  const model = benchNet();
  const regularizer = new SimilarityRegularizer({ model, taps: ['stem', 'stage1'] });
  const optimizer = tf.train.momentum(0.01, 0.9);
  const inputs = tf.randomUniform([64, 28, 28, 1], -2.5, 2.5, 'float32', 1);
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
  const a = tf.randomUniform([16, 28, 28, 1], -2.5, 2.5, 'float32', 2) as tf.Tensor4D;
  const b = tf.randomUniform([16, 28, 28, 1], -2.5, 2.5, 'float32', 3) as tf.Tensor4D;
  const targets = Float32Array.from({ length: 16 }, (_, i) => [1, 0, -1][i % 3]);
  const step = (alpha: number) =>
    trainStep({
      model,
      optimizer,
      inputs,
      labels,
      regularizer,
      pairs: alpha > 0 ? { a, b, targets } : undefined,
      alpha,
    });
  step(0);
  step(4);
  const plain: number[] = [];
  const regularized: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the two kinds so that machine load affects both alike.
    for (const [alpha, times] of [
      [0, plain],
      [4, regularized],
    ] as const) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) step(alpha);
      times.push((performance.now() - t0) / steps);
    }
  }
  const plainMs = median(plain);
  const regMs = median(regularized);
  const ratios = plain.map((p, i) => regularized[i] / p);
  console.log(`backend ${tf.getBackend()}, ${rounds} rounds × ${steps} steps, medians:`);
  console.log(
    `  plain step       (64 images):        ${plainMs.toFixed(1)} ms  ${((64 * 1000) / plainMs).toFixed(1)} img/s`,
  );
  console.log(
    `  regularized step (64 + 2·16 images): ${regMs.toFixed(1)} ms  ${((96 * 1000) / regMs).toFixed(1)} img/s`,
  );
  console.log(
    `  regularized / plain step time: ${(regMs / plainMs).toFixed(2)}× (per-round median ${median(ratios).toFixed(2)}×, target ≤ 1.6×)`,
  );
  tf.dispose([inputs, a, b]);
  optimizer.dispose();
  regularizer.dispose();
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
