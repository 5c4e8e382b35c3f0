/**
 * `pnpm bench`: throughput of @pixsim/attacks on the `cpu` and `wasm` backends.
 * - images/s of each noise robustness curve (one ε per pass; noise + clamp + classifier forward),
 * - images/s of FGSM (input gradient; needs gradient kernels, reported as unsupported where missing),
 * - model queries/s of the Boundary Attack (paper setting: 50 steps).
 * Each figure is the median of RUNS timed runs after one warm-up run.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type Classifier,
  createClassifier,
  fgsm,
  gaussianNoiseAttack,
  type PerturbationAttack,
  robustnessCurve,
  runBoundaryAttack,
  SeededRandom,
  saltAndPepperNoiseAttack,
  scaleShift,
  uniformNoiseAttack,
} from '../src/index';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = Number(process.env.BENCH_IMAGES ?? 200);
const BA_IMAGES = Number(process.env.BENCH_BA_IMAGES ?? 20);

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median over RUNS of a rate `units / seconds`, after one warm-up call. */
function rate(run: () => number): number {
  run();
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    const units = run();
    rates.push(units / ((performance.now() - t) / 1000));
  }
  return median(rates);
}

/** A small CIFAR-sized CNN with seeded random weights (inference cost only matters here). */
function model(): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.heNormal({ seed });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [32, 32, 3],
        filters: 16,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
}

function images(n: number): tf.Tensor4D {
  const rng = new SeededRandom(1);
  return tf.tensor4d(rng.fillUniform(new Float32Array(n * 3072), 0, 1), [n, 32, 32, 3]);
}

async function benchBackend(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) {
    console.log(`${backend}: backend unavailable`);
    return;
  }
  await tf.ready();
  const net = model();
  const clf: Classifier = createClassifier(net, { preprocess: scaleShift(5, 0.5) });
  const x = images(N);
  const labels = Array.from({ length: N }, (_, i) => i % 10);
  const data = { images: x, labels };
  const rows: [string, string][] = [];
  const curves: [string, PerturbationAttack][] = [
    ['gaussian noise curve', gaussianNoiseAttack()],
    ['uniform noise curve', uniformNoiseAttack()],
    ['salt-and-pepper noise curve', saltAndPepperNoiseAttack()],
  ];
  for (const [name, attack] of curves) {
    const eps = [0.02, 0.05, 0.1];
    const r = rate(() => {
      robustnessCurve(clf, data, attack, eps, { seed: 1, batchSize: 100 });
      return N * eps.length;
    });
    rows.push([name, `${r.toFixed(0)} images/s`]);
  }
  try {
    const r = rate(() => {
      for (let s = 0; s < N; s += 100) {
        const b = tf.slice(x, [s, 0, 0, 0], [Math.min(100, N - s), -1, -1, -1]) as tf.Tensor4D;
        const adv = fgsm(clf, b, labels.slice(s, s + 100), 8 / 255);
        adv.dataSync();
        tf.dispose([b, adv]);
      }
      return N;
    });
    rows.push(['FGSM', `${r.toFixed(0)} images/s`]);
  } catch (err) {
    rows.push(['FGSM', `unsupported on ${backend}: ${(err as Error).message.split('\n')[0].slice(0, 100)}`]);
  }
  const bx = tf.slice(x, [0, 0, 0, 0], [BA_IMAGES, -1, -1, -1]) as tf.Tensor4D;
  const r = rate(() => {
    const out = runBoundaryAttack(clf, bx, { seed: 1, steps: 50 });
    out.adversarials.dispose();
    return out.queries.reduce((a, b) => a + b, 0);
  });
  rows.push([`Boundary Attack (50 steps, batch ${BA_IMAGES})`, `${r.toFixed(0)} queries/s`]);
  tf.dispose([x, bx]);
  net.dispose();
  for (const [k, v] of rows) console.log(`${backend.padEnd(5)} ${k.padEnd(42)} ${v}`);
}

async function main(): Promise<void> {
  console.log(
    `@pixsim/attacks bench: ${N} CIFAR-sized images, CNN 16-32 conv + dense, median of ${RUNS} runs`,
  );
  for (const backend of ['cpu', 'wasm']) await benchBackend(backend);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
