import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aggregate, type Summary, summaryToCsv } from '../aggregate';
import { NoResultsError } from '../errors';
import { type CellResult, RESULT_FORMATS } from '../result';
import { readJsonIfExists, writeJson, writeText } from './files';

/** Every finished cell (`seed-<S>/result.json`) of a preset folder `<out>/<experiment>/<preset>`, by seed. */
export function readCells(presetDir: string): CellResult[] {
  if (!existsSync(presetDir)) {
    throw new NoResultsError(
      presetDir,
      `${presetDir} does not exist; pass <out>/<experiment>/<preset> of a run.`,
    );
  }
  const cells: CellResult[] = [];
  for (const name of readdirSync(presetDir).sort()) {
    if (!/^seed-\d+$/.test(name)) continue;
    const result = readJsonIfExists<CellResult>(join(presetDir, name, 'result.json'));
    if (!result) continue;
    if (!(RESULT_FORMATS as readonly string[]).includes(result.format)) {
      throw new NoResultsError(
        presetDir,
        `${join(presetDir, name, 'result.json')} has format ${result.format}, not ${RESULT_FORMATS.join(' or ')}; re-run it.`,
      );
    }
    cells.push(result);
  }
  if (cells.length === 0) {
    throw new NoResultsError(
      presetDir,
      `${presetDir} holds no finished cell (seed-<S>/result.json); run \`pixsim run\` or \`pixsim reproduce\` first.`,
    );
  }
  return cells.sort((a, b) => a.seed - b.seed);
}

/** Aggregates a preset folder and writes `summary.json` and `summary.csv` into it. */
export function aggregateDir(presetDir: string): Summary {
  const summary = aggregate(readCells(presetDir));
  writeJson(join(presetDir, 'summary.json'), summary);
  writeText(join(presetDir, 'summary.csv'), summaryToCsv(summary));
  return summary;
}

/** Every preset folder under `dir` that holds a `summary.json` (at any depth up to 3). */
export function findSummaries(dir: string, depth = 3): string[] {
  const out: string[] = [];
  if (existsSync(join(dir, 'summary.json'))) out.push(dir);
  if (depth === 0 || !existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && !/^seed-\d+$/.test(e.name)) {
      out.push(...findSummaries(join(dir, e.name), depth - 1));
    }
  }
  return out.sort();
}
