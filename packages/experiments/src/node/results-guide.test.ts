import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The numbers that docs/guides/results.md and the root README print in their tables are checked against the
// committed summary.json files they cite (issue #13: "each claim in the guide cites a number that is in a
// committed summary.json"). A table cell "98.4 ± 0.1" is accuracy % (mean ± SEM over seeds) rounded to its
// printed decimals; a ratio is R/U of the unrounded means.

const ROOT = resolve(__dirname, '../../../..');
const GUIDE = resolve(ROOT, 'docs/guides/results.md');
const README = resolve(ROOT, 'README.md');

interface Curve {
  model: string;
  attack: string;
  epsilons: number[];
  mean: number[];
  sem: Array<number | null>;
}
interface Summary {
  curves: Curve[];
}

const summaries = new Map<string, Summary>();
function summary(experiment: string, preset: string): Summary {
  const key = `${experiment}/${preset}`;
  let s = summaries.get(key);
  if (s === undefined) {
    const file = resolve(ROOT, 'docs/results', experiment, preset, 'summary.json');
    if (!existsSync(file)) throw new Error(`cited summary ${key} is not committed`);
    s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
    summaries.set(key, s);
  }
  return s;
}

/** Half a unit in the last printed decimal of `text` (the rounding a printed number allows). */
const slack = (text: string) => 0.5 * 10 ** -(text.split('.')[1]?.length ?? 0) + 1e-9;

interface Table {
  /** Character offset of the table in the document (to find the summary cited before it). */
  at: number;
  header: string[];
  rows: string[][];
}

function tables(text: string): Table[] {
  const out: Table[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const cells = (l: string) =>
      l
        .trim()
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim());
    if (lines[i].trim().startsWith('|') && /^\|\s*-{3}/.test(lines[i + 1]?.trim() ?? '')) {
      const table: Table = { at: offset, header: cells(lines[i]), rows: [] };
      let j = i + 2;
      for (; j < lines.length && lines[j].trim().startsWith('|'); j++) table.rows.push(cells(lines[j]));
      out.push(table);
    }
    offset += lines[i].length + 1;
  }
  return out;
}

/** The curve of `model` in `s` and the index of ε = `epsText` (as printed). */
function point(s: Summary, model: string, epsText: string): { curve: Curve; k: number } {
  const curve = s.curves.find((c) => c.model === model);
  if (curve === undefined) throw new Error(`no curve for ${model}`);
  const printed = epsText.replace(/^ε\s*=\s*/, '');
  const eps = Number(printed);
  // The nearest ε of the curve, which must round to the printed one.
  const k = curve.epsilons.reduce(
    (best, e, i) => (Math.abs(e - eps) < Math.abs(curve.epsilons[best] - eps) ? i : best),
    0,
  );
  if (!(Math.abs(curve.epsilons[k] - eps) <= slack(printed))) {
    throw new Error(`no ε = ${epsText} in ${curve.epsilons.join(', ')}`);
  }
  return { curve, k };
}

/** Checks one "mean ± sem" (or, for one seed, "mean") accuracy cell against the summary. */
function checkCell(cell: string, s: Summary, model: string, epsText: string, where: string): void {
  const { curve, k } = point(s, model, epsText);
  const [m, e] = cell.split('±').map((t) => t.trim());
  expect(
    Math.abs(Number(m) - 100 * curve.mean[k]),
    `${where}: mean ${m} vs ${curve.mean[k]}`,
  ).toBeLessThanOrEqual(slack(m));
  const sem = curve.sem[k];
  if (e === undefined) {
    expect(sem, `${where}: no SEM printed but the summary has one`).toBeNull();
  } else {
    expect(sem, `${where}: SEM printed for one seed`).not.toBeNull();
    expect(Math.abs(Number(e) - 100 * (sem as number)), `${where}: SEM ${e} vs ${sem}`).toBeLessThanOrEqual(
      slack(e),
    );
  }
}

const ratio = (s: Summary, epsText: string) => {
  const u = point(s, 'unregularized', epsText);
  const r = point(s, 'regularized', epsText);
  return r.curve.mean[r.k] / u.curve.mean[u.k];
};

const cited = (text: string, before: number): [string, string] => {
  const links = [...text.slice(0, before).matchAll(/results\/([\w-]+)\/([\w-]+)\/summary\.json/g)];
  const last = links.at(-1);
  if (last === undefined) throw new Error('table without a cited summary.json before it');
  return [last[1], last[2]];
};

/** Training-length table rows: epochs → preset. */
const LENGTH_PRESETS: Record<string, string> = {
  '2': 'quick',
  '4': 'length-e4',
  '6': 'length-e6',
  '12': 'length-e12',
};

describe.skipIf(!existsSync(GUIDE))('the results guide and README print the committed summaries', () => {
  const guide = readFileSync(GUIDE, 'utf8');
  const guideTables = tables(guide);

  it('curve tables (model × ε) equal the summary.json cited before each', () => {
    const curveTables = guideTables.filter((t) => t.header[0] === 'model' && t.header[1].startsWith('ε'));
    expect(curveTables.length).toBeGreaterThanOrEqual(3);
    for (const t of curveTables) {
      const [experiment, preset] = cited(guide, t.at);
      const s = summary(experiment, preset);
      for (const row of t.rows) {
        for (let c = 1; c < row.length; c++) {
          checkCell(row[c], s, row[0], t.header[c], `${experiment}/${preset} ${row[0]} ${t.header[c]}`);
        }
      }
    }
  });

  it('tuning tables (α × Th) equal the tune.json cited before each', () => {
    const tuneTables = guideTables.filter(
      (t) => t.header[0] === 'α' && t.header[1] === 'Th' && t.header[2] === 'R0/U0',
    );
    expect(tuneTables.length).toBeGreaterThanOrEqual(1);
    for (const t of tuneTables) {
      const links = [...guide.slice(0, t.at).matchAll(/results\/([\w-]+-tune)\/([\w-]+)\/tune\.json/g)];
      const last = links.at(-1);
      if (last === undefined) throw new Error('tuning table without a cited tune.json before it');
      const tune = JSON.parse(
        readFileSync(resolve(ROOT, 'docs/results', last[1], last[2], 'tune.json'), 'utf8'),
      ) as {
        cells: Array<{
          alpha: number;
          th: number;
          passes: boolean;
          r0u0: { mean: number; sem: number | null };
          rdud: { mean: number; sem: number | null };
        }>;
        selected: { alpha: number; th: number } | null;
      };
      expect(t.rows.length, `${last[1]}: one row per cell`).toBe(tune.cells.length);
      for (const row of t.rows) {
        const [alpha, th] = [Number(row[0]), Number(row[1])];
        const cell = tune.cells.find((c) => c.alpha === alpha && c.th === th);
        if (cell === undefined) throw new Error(`${last[1]}: no cell α = ${alpha}, Th = ${th}`);
        for (const [printed, stats, what] of [
          [row[2], cell.r0u0, 'R0/U0'],
          [row[3], cell.rdud, 'R_D/U_D'],
        ] as const) {
          const [m, e] = printed.split('±').map((x) => x.trim());
          const where = `${last[1]} α = ${alpha}, Th = ${th} ${what}`;
          expect(Math.abs(Number(m) - stats.mean), `${where}: ${m} vs ${stats.mean}`).toBeLessThanOrEqual(
            slack(m),
          );
          if (e !== undefined)
            expect(Math.abs(Number(e) - (stats.sem as number)), where).toBeLessThanOrEqual(slack(e));
        }
        expect(row[4], `${last[1]} α = ${alpha}, Th = ${th} passes`).toBe(cell.passes ? 'yes' : 'no');
        const chosen = tune.selected?.alpha === alpha && tune.selected?.th === th;
        expect(row[5].includes('selected'), `${last[1]} α = ${alpha}, Th = ${th} selected`).toBe(chosen);
      }
    }
  });

  it('the per-step L_sim table is what docs/scripts/sim-loss-steps.mjs prints from the committed tuning cells', async () => {
    const script = resolve(ROOT, 'docs/scripts/sim-loss-steps.mjs');
    const { simLossRows, simLossTable } = (await import(pathToFileURL(script).href)) as {
      simLossRows: (dirs: string[]) => unknown[];
      simLossTable: (rows: unknown[]) => string;
    };
    const results = resolve(ROOT, 'docs/results');
    for (const grid of ['fig3b-tune-a', 'fig2b-tune-a']) {
      const dirs = readdirSync(results)
        .filter((d) => d.startsWith(grid))
        .map((d) => resolve(results, d, 'cpu-5k'));
      const rows = simLossRows(dirs);
      expect(rows.length, grid).toBeGreaterThanOrEqual(8);
      expect(guide, grid).toContain(simLossTable(rows));
    }
  });

  it("the selection-rule table's ratios are those of the summaries", () => {
    const t = guideTables.find((x) => x.header.includes('rule'));
    expect(t).toBeDefined();
    const col = (name: string) => (t as Table).header.findIndex((h) => h.includes(name));
    const [r0, eps, rd] = [col('R_0/U_0'), col('ε'), col('R_D/U_D')];
    for (const row of (t as Table).rows) {
      const s = summary(row[0].replaceAll('`', ''), row[1].split('`')[1]);
      const where = `${row[0]} ${row[1]}`;
      expect(Math.abs(Number(row[r0]) - ratio(s, '0')), `${where} R0/U0`).toBeLessThanOrEqual(slack(row[r0]));
      expect(Math.abs(Number(row[rd]) - ratio(s, row[eps])), `${where} RD/UD`).toBeLessThanOrEqual(
        slack(row[rd]),
      );
    }
  });

  it('the training-length table equals the length summaries', () => {
    const t = guideTables.find((x) => x.header[0] === 'epochs');
    expect(t).toBeDefined();
    for (const row of (t as Table).rows) {
      const s = summary('fig2a', LENGTH_PRESETS[row[0]]);
      const where = `${row[0]} epochs`;
      checkCell(row[1], s, 'unregularized', '0', where);
      checkCell(row[2], s, 'regularized', '0', where);
      expect(Math.abs(Number(row[3]) - ratio(s, '0'))).toBeLessThanOrEqual(slack(row[3]));
      checkCell(row[4], s, 'unregularized', '0.5', where);
      checkCell(row[5], s, 'regularized', '0.5', where);
      expect(Math.abs(Number(row[6]) - ratio(s, '0.5'))).toBeLessThanOrEqual(slack(row[6]));
    }
  });

  it('the Boundary Attack means ± SEM in the guide and the README are those of the summary', () => {
    const s = JSON.parse(readFileSync(resolve(ROOT, 'docs/results/boundary/cpu/summary.json'), 'utf8')) as {
      boundary: Array<{ model: string; mean: number; sem: number | null }>;
    };
    const by = (model: string) => s.boundary.find((b) => b.model === model);
    // "x ± y" in scientific notation: within half a unit of the printed mantissa's last digit.
    const close = (printed: string, value: number | null | undefined, where: string) => {
      const [mantissa, exponent] = printed.split('e');
      const tolerance = slack(mantissa) * 10 ** Number(exponent ?? 0);
      expect(
        Math.abs(Number(printed) - (value ?? Number.NaN)),
        `${where}: ${printed} vs ${value}`,
      ).toBeLessThanOrEqual(tolerance);
    };
    const guideMatch = /unregularized \*\*(\S+) ± (\S+)\*\*, regularized \*\*(\S+) ± (\S+)\*\*/.exec(guide);
    const readmeMatch = /squared L2 per pixel (\S+) ± (\S+) against\s+(\S+) ± ([^;\s]+)/.exec(
      readFileSync(README, 'utf8'),
    );
    expect(guideMatch, 'the guide states both means ± SEM').not.toBeNull();
    expect(readmeMatch, 'the README states both means ± SEM').not.toBeNull();
    const [, gu, gue, gr, gre] = guideMatch as RegExpExecArray;
    const [, rr, rre, ru, rue] = readmeMatch as RegExpExecArray;
    for (const [printed, value, where] of [
      [gu, by('unregularized')?.mean, 'guide unregularized'],
      [gue, by('unregularized')?.sem, 'guide unregularized SEM'],
      [gr, by('regularized')?.mean, 'guide regularized'],
      [gre, by('regularized')?.sem, 'guide regularized SEM'],
      [ru, by('unregularized')?.mean, 'README unregularized'],
      [rue, by('unregularized')?.sem, 'README unregularized SEM'],
      [rr, by('regularized')?.mean, 'README regularized'],
      [rre, by('regularized')?.sem, 'README regularized SEM'],
    ] as Array<[string, number | null | undefined, string]>) {
      close(printed, value, where);
    }
  });

  it("the README's results table equals the summaries it names", () => {
    const readme = readFileSync(README, 'utf8');
    const t = tables(readme).find((x) => x.header[0] === 'run' && x.header[1] === 'model');
    expect(t).toBeDefined();
    let run: [string, string] | undefined;
    for (const row of (t as Table).rows) {
      const names = [...row[0].matchAll(/`([\w-]+)`/g)].map((m) => m[1]);
      if (names.length >= 2) run = [names[0], names[1]];
      if (run === undefined) throw new Error(`README row without a run: ${row.join(' | ')}`);
      const s = summary(run[0], run[1]);
      for (let c = 2; c < row.length; c++) {
        const eps = (t as Table).header[c] === 'clean' ? '0' : (t as Table).header[c];
        checkCell(row[c], s, row[1], eps, `README ${run.join('/')} ${row[1]} ${eps}`);
      }
    }
  });
});
