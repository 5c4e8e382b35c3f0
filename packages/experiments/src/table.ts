import { SUMMARY_FORMAT, type Summary } from './aggregate';
import { assertRecord } from './guards';

const pct = (v: number) => `${(100 * v).toFixed(1)}`;

/** `mean ± SEM` of an accuracy in percent (`mean` alone with one seed). */
function cell(mean: number, sem: number | null): string {
  return sem === null ? pct(mean) : `${pct(mean)} ± ${pct(sem)}`;
}

/**
 * The summary as Markdown tables: per attack, one row per model and one column per ε (accuracy in %,
 * mean ± SEM over seeds), and the Boundary-Attack scores.
 */
export function summaryTables(summary: Summary): string {
  assertRecord('summaryTables', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  const parts: string[] = [];
  const attacks = [...new Set(summary.curves.map((c) => c.attack))];
  for (const attack of attacks) {
    const rows = summary.curves.filter((c) => c.attack === attack);
    const eps = rows[0].epsilons;
    const header = `| ${attack} accuracy (%) | ${eps.map((e) => `ε = ${Number(e.toPrecision(3))}`).join(' | ')} |`;
    const rule = `| --- | ${eps.map(() => '---:').join(' | ')} |`;
    const body = rows.map((r) => `| ${r.model} | ${r.mean.map((m, k) => cell(m, r.sem[k])).join(' | ')} |`);
    parts.push([header, rule, ...body].join('\n'));
  }
  if (summary.boundary.length) {
    const body = summary.boundary.map(
      (b) =>
        `| ${b.model} | ${b.mean === null ? 'no adversarial found' : b.mean.toExponential(3)} | ${b.sem === null ? '–' : b.sem.toExponential(2)} | ${b.seeds.join(', ')} |`,
    );
    parts.push(
      [
        '| Boundary Attack: median squared L2 per pixel | mean | SEM | seeds |',
        '| --- | ---: | ---: | --- |',
        ...body,
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}
