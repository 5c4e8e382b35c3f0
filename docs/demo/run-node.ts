/**
 * Runs the demo's experiment in Node, with no browser: `pnpm --filter @pixsim/demo run experiment --alpha 0.2
 * --th 0.2 --steps 300`. Prints the probe correlations, the final losses and both noise curves; this is how
 * the page's defaults were checked at this scale.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '@pixsim/backend';
import '@tensorflow/tfjs-layers';
import { decodeDigits } from './src/data';
import { DEFAULT_SETTINGS, DemoExperiment, type ProbeRecord, type RunKind } from './src/experiment';

const { values } = parseArgs({
  options: {
    alpha: { type: 'string' },
    th: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    lr: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const settings = {
  ...DEFAULT_SETTINGS,
  alpha: num(values.alpha, DEFAULT_SETTINGS.alpha),
  th: num(values.th, DEFAULT_SETTINGS.th),
  steps: num(values.steps, DEFAULT_SETTINGS.steps),
  seed: num(values.seed, DEFAULT_SETTINGS.seed),
  learningRate: num(values.lr, DEFAULT_SETTINGS.learningRate),
};
await initBackend(values.backend as 'wasm' | 'cpu', { log: false });
const file = readFileSync(new URL('./data/mnist-digits.bin', import.meta.url));
const data = await decodeDigits(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
const experiment = new DemoExperiment(data, settings);
console.log(
  `alpha ${settings.alpha}, Th ${settings.th}, ${settings.steps} steps, seed ${settings.seed}, lr ${settings.learningRate}; ` +
    `${experiment.targets.pairs.length / 2} pairs`,
);
for (const kind of ['unregularized', 'regularized'] as RunKind[]) {
  const started = Date.now();
  let last: ProbeRecord | null = null;
  let first: ProbeRecord | null = null;
  let losses: number[] = [];
  let sims: number[] = [];
  const curve = await experiment.run(kind, {
    onStep: (r) => {
      losses.push(r.taskLoss);
      if (r.simLoss !== null) sims.push(r.simLoss);
    },
    onProbe: (p) => {
      first ??= p;
      last = p;
    },
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const tail = (xs: number[]) => mean(xs.slice(-30)).toFixed(3);
  const p0 = first as ProbeRecord | null;
  const p1 = last as ProbeRecord | null;
  console.log(
    `${kind}: ${((Date.now() - started) / 1000).toFixed(1)} s; task loss (last 30) ${tail(losses)}` +
      (sims.length ? `, L_sim (last 30) ${tail(sims)}` : '') +
      `; probe r(S^CNN, S^Th) ${p0?.correlation.toFixed(3)} → ${p1?.correlation.toFixed(3)}, probe L_sim ${p0?.simLoss.toFixed(2)} → ${p1?.simLoss.toFixed(2)}` +
      `; tap weights ${p1?.tapWeights.map((w) => w.toFixed(2)).join(' ')}`,
  );
  console.log(
    `  accuracy: ${curve?.epsilons.map((e, i) => `ε ${e.toFixed(2)}: ${(100 * curve.accuracy[i]).toFixed(1)}`).join(', ')}`,
  );
  losses = [];
  sims = [];
}
experiment.dispose();
