#!/usr/bin/env node
// Compares the results of a sweep run on Slurm with the same cells run locally in sequence (issue #16):
// every summary.json must be equal, and every cell's spec hash, weight fingerprints, training outcome,
// accuracies and Boundary-Attack distances. Timing fields (phases, dates, images per second) differ.
//
//   node scripts/slurm/compare-results.mjs LOCAL_DIR CLUSTER_DIR EXPERIMENT_DIR...   (e.g. fig2a/smoke)
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';

const [local, cluster, ...experimentDirs] = process.argv.slice(2);
if (!local || !cluster || experimentDirs.length === 0) {
  console.error('usage: compare-results.mjs LOCAL_DIR CLUSTER_DIR EXPERIMENT_DIR...');
  process.exit(2);
}
const read = (...p) => JSON.parse(readFileSync(join(...p), 'utf8'));

/** The parts of a cell result that must not depend on where or when it ran. */
function comparable(r) {
  return {
    specHash: r.specHash,
    seed: r.seed,
    models: r.models.map((m) => ({
      role: m.role,
      seed: m.seed,
      fingerprint: m.fingerprint,
      bestEpoch: m.bestEpoch,
      bestValidationLoss: m.bestValidationLoss,
      steps: m.steps,
      history: m.history.map(({ imagesPerSecond, ...rest }) => rest),
      engine: m.evaluation?.engine,
    })),
    curves: r.curves,
    boundary: r.boundary,
  };
}

let failures = 0;
let cells = 0;
for (const dir of experimentDirs) {
  const a = read(local, dir, 'summary.json');
  const b = read(cluster, dir, 'summary.json');
  if (!isDeepStrictEqual(a, b)) {
    failures++;
    console.error(`DIFFERENT summary: ${dir}/summary.json`);
  }
  for (const seed of readdirSync(join(local, dir)).filter((n) => /^seed-\d+$/.test(n))) {
    cells++;
    const x = comparable(read(local, dir, seed, 'result.json'));
    const y = comparable(read(cluster, dir, seed, 'result.json'));
    const prints = x.models.map((m) => `${m.role} ${m.fingerprint}`).join(', ');
    if (isDeepStrictEqual(x, y)) console.log(`same: ${dir}/${seed} (${prints})`);
    else {
      failures++;
      console.error(
        `DIFFERENT: ${dir}/${seed}\n  local:   ${JSON.stringify(x).slice(0, 400)}\n  cluster: ${JSON.stringify(y).slice(0, 400)}`,
      );
    }
  }
  const curve = a.curves.find((c) => c.model === 'regularized') ?? a.curves[0];
  if (curve)
    console.log(
      `same summary: ${dir} (${curve.model} ${curve.attack}: ${curve.mean.map((v) => v.toFixed(3)).join(' ')})`,
    );
}
if (failures) {
  console.error(`${failures} difference(s)`);
  process.exit(1);
}
console.log(`${cells} cells and ${experimentDirs.length} summaries identical to the local run`);
