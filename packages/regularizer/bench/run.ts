/**
 * `pnpm bench`: images/s of a plain training step (64 classification images) against a regularized
 * step (64 + 2·16 pair images, `L_task + α·L_sim`, taps = stem + 4 stages) on the pixsim ResNet18 for
 * MNIST (28×28×1, base width 8 by default), with the pairs in two passes (`pairPasses: 'separate'`, the
 * reference and the default: three passes per step) and in one (`'joint'`: two passes per step). Default backend: wasm with the training kernels of
 * `@pixsim/backend`; `--backend cpu` for the pure-JS one (slow: use `--width 4 --steps 1`).
 *
 *   tsx bench/run.ts [--backend wasm|cpu] [--width 8] [--rounds 7] [--steps 3]
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { RESNET_TAPS, resnet18 } from '@pixsim/models';
import { SimilarityRegularizer, trainStep } from '../src/index';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const backend = arg('backend', 'wasm');
  if (backend === 'wasm') await import('@pixsim/backend/wasm-training');
  await tf.setBackend(backend);
  await tf.ready();
  const rounds = Number(arg('rounds', '7'));
  const steps = Number(arg('steps', '3'));
  const width = Number(arg('width', '8'));
  const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width, seed: 1 });
  const regularizer = new SimilarityRegularizer({ model, taps: RESNET_TAPS });
  const optimizer = tf.train.momentum(0.01, 0.9);
  const inputs = tf.randomUniform([64, 28, 28, 1], -2.5, 2.5, 'float32', 1);
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
  const a = tf.randomUniform([16, 28, 28, 1], -2.5, 2.5, 'float32', 2) as tf.Tensor4D;
  const b = tf.randomUniform([16, 28, 28, 1], -2.5, 2.5, 'float32', 3) as tf.Tensor4D;
  const targets = Float32Array.from({ length: 16 }, (_, i) => [1, 0, -1][i % 3]);
  const step = (alpha: number, pairPasses: 'separate' | 'joint' = 'separate') =>
    trainStep({
      model,
      optimizer,
      inputs,
      labels,
      regularizer,
      pairs: alpha > 0 ? { a, b, targets } : undefined,
      alpha,
      pairPasses,
    });
  step(0);
  step(4);
  step(4, 'joint');
  const plain: number[] = [];
  const regularized: number[] = [];
  const joint: number[] = [];
  // CPU time of this process as well as wall time: on a shared machine the wall-time ratio is skewed by
  // other processes, the CPU-time ratio much less (it counts every engine thread of this process).
  const cpu = { plain: [] as number[], regularized: [] as number[], joint: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    // Alternate the kinds so that machine load affects all alike.
    for (const [alpha, passes, times, cpuTimes] of [
      [0, 'separate', plain, cpu.plain],
      [4, 'separate', regularized, cpu.regularized],
      [4, 'joint', joint, cpu.joint],
    ] as const) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let s = 0; s < steps; s++) step(alpha, passes);
      const c = process.cpuUsage(c0);
      times.push((performance.now() - t0) / steps);
      cpuTimes.push((c.user + c.system) / 1000 / steps);
    }
  }
  const plainMs = median(plain);
  const regMs = median(regularized);
  const jointMs = median(joint);
  const ratios = plain.map((p, i) => regularized[i] / p);
  const passRatios = joint.map((j, i) => regularized[i] / j);
  console.log(
    `ResNet18 width ${width}, 28×28×1, backend ${tf.getBackend()}, ${rounds} rounds × ${steps} steps, medians:`,
  );
  console.log(
    `  plain step       (64 images):        ${plainMs.toFixed(1)} ms  ${((64 * 1000) / plainMs).toFixed(1)} img/s`,
  );
  console.log(
    `  regularized step (64 + 16 + 16 images, three passes): ${regMs.toFixed(1)} ms  ${((96 * 1000) / regMs).toFixed(1)} img/s`,
  );
  console.log(
    `  regularized step, joint pairs (64 + 32 images, two passes): ${jointMs.toFixed(1)} ms  ${((96 * 1000) / jointMs).toFixed(1)} img/s`,
  );
  console.log(
    `  regularized / plain step time: ${(regMs / plainMs).toFixed(2)}× (per-round median ${median(ratios).toFixed(2)}×)`,
  );
  console.log(
    `  three passes / two passes (separate / joint pairs): ${(regMs / jointMs).toFixed(3)}× (per-round median ${median(passRatios).toFixed(3)}×, target ≤ 1.10×)`,
  );
  const cpuPass = median(cpu.regularized) / median(cpu.joint);
  console.log(
    `  CPU time per step (ms, medians): plain ${median(cpu.plain).toFixed(1)}, three passes ${median(cpu.regularized).toFixed(1)}, joint ${median(cpu.joint).toFixed(1)}; three / two passes ${cpuPass.toFixed(3)}×`,
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
