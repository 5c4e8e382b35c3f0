// How the per-step L_sim of regularized training is spread, per (α, Th), from the `simLossSteps` that
// `result.json` histories carry (#26). The results guide prints this table; a test recomputes it.
//
//   node docs/scripts/sim-loss-steps.mjs docs/results/fig3b-tune-*/cpu-5k
//
// Per cell folder (`<cell>/<preset>/seed-N/result.json`), the regularized model's epochs that carry the
// distribution: the median and p99 of the last epoch's per-step L_sim (mean over seeds), and over all epochs
// the fraction of pair batches with L_sim > 1 and the share of the summed L_sim those batches carry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The table rows of the given cell folders (each `<cell>/<preset>`), sorted by α then Th. */
export function simLossRows(dirs) {
  const rows = [];
  for (const dir of dirs) {
    const seeds = existsSync(dir) ? readdirSync(dir).filter((d) => /^seed-\d+$/.test(d)) : [];
    const per = [];
    let alpha;
    let th;
    for (const s of seeds) {
      const file = join(dir, s, 'result.json');
      if (!existsSync(file)) continue;
      const r = JSON.parse(readFileSync(file, 'utf8'));
      const model = r.models.find((m) => m.role === 'regularized');
      const epochs = model?.history.filter((h) => h.simLossSteps) ?? [];
      if (!model || model.alpha === 0 || epochs.length !== model.history.length) continue;
      alpha = r.spec.regularization.alpha;
      th = r.spec.regularization.th;
      let steps = 0;
      let above = 0;
      let total = 0;
      let carried = 0;
      for (const h of epochs) {
        const d = h.simLossSteps;
        steps += d.steps;
        above += d.fractionAbove1 * d.steps;
        total += h.simLoss * d.steps;
        carried += d.shareAbove1 * h.simLoss * d.steps;
      }
      const last = epochs.at(-1).simLossSteps;
      per.push({
        seed: r.seed,
        median: last.median,
        p99: last.p99,
        fraction: above / steps,
        share: carried / total,
      });
    }
    if (per.length === 0) continue;
    rows.push({
      alpha,
      th,
      seeds: per.map((p) => p.seed).sort((a, b) => a - b),
      median: mean(per.map((p) => p.median)),
      p99: mean(per.map((p) => p.p99)),
      fraction: mean(per.map((p) => p.fraction)),
      share: mean(per.map((p) => p.share)),
    });
  }
  return rows.sort((a, b) => a.alpha - b.alpha || a.th - b.th);
}

/** The rows as the guide's markdown table. */
export function simLossTable(rows) {
  return [
    '| α | Th | seeds | median step L_sim (last epoch) | p99 (last epoch) | steps with L_sim > 1 | their share of ΣL_sim |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.alpha} | ${r.th} | ${r.seeds.join(', ')} | ${r.median.toFixed(3)} | ${r.p99.toFixed(2)} | ` +
        `${(100 * r.fraction).toFixed(1)} % | ${(100 * r.share).toFixed(1)} % |`,
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: node docs/scripts/sim-loss-steps.mjs <cell>/<preset> [...]');
    process.exit(2);
  }
  console.log(simLossTable(simLossRows(dirs)));
}
