// pnpm bench: time and peak memory of pixelSimilarity + selectPairs on real Tiny-ImageNet images
// (grey 64×64), N = 1,000 and 5,000, on the wasm and cpu backends; median of RUNS runs each.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The pure-JS cpu backend takes minutes at N = 5,000, so it gets one run unless CPU_RUNS says otherwise.
const runsFor = (backend: string) =>
  backend === 'cpu' ? Number(process.env.CPU_RUNS ?? 1) : Number(process.env.RUNS ?? 3);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows: string[] = [];
for (const backend of ['wasm', 'cpu']) {
  for (const n of [1000, 5000]) {
    const results: Record<string, number>[] = [];
    for (let r = 0; r < runsFor(backend); r++) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'one.ts'), backend, String(n)],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      results.push(JSON.parse(out.trim().split('\n').pop()!));
    }
    const m = (k: string) => median(results.map((x) => x[k]));
    rows.push(
      `| ${backend} | ${n} | ${(m('pixelSimilarityMs') / 1000).toFixed(2)} s | ${(m('selectPairsAllMs') / 1000).toFixed(2)} s (${results[0].pairsAll.toLocaleString('en')}) | ${(m('selectPairsHighMs') / 1000).toFixed(2)} s (${results[0].pairsHigh.toLocaleString('en')}) | ${m('peakRssMB').toFixed(0)} MB |`,
    );
    console.error(rows.at(-1));
  }
}
console.log(
  `\nMedian of ${runsFor('wasm')} runs on wasm, ${runsFor('cpu')} on cpu (node ${process.version}, ${process.platform}/${process.arch}):\n`,
);
console.log(
  '| backend | N | pixelSimilarity | selectPairs all (pairs) | selectPairs high, Th 0.8 (pairs) | peak RSS |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
