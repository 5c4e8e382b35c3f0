import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate, summaryToCsv } from '../aggregate';
import { figureSpec } from '../figure';
import { vegaLiteToSvg } from './render';
import { readCells } from './results-dir';

/** `docs/results/<experiment>/<preset>/`: the reproduction results committed to the repository. */
const RESULTS = resolve(__dirname, '../../../../docs/results');

function presetDirs(): string[] {
  if (!existsSync(RESULTS)) return [];
  return readdirSync(RESULTS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) =>
      readdirSync(join(RESULTS, e.name), { withFileTypes: true })
        .filter((p) => p.isDirectory() && existsSync(join(RESULTS, e.name, p.name, 'summary.json')))
        .map((p) => join(RESULTS, e.name, p.name)),
    );
}

const dirs = presetDirs();

describe.skipIf(dirs.length === 0)('committed reproduction results (docs/results)', () => {
  it.each(dirs.map((d) => [d.slice(RESULTS.length + 1), d]))(
    '%s: aggregating the committed per-seed results gives the committed summary and figure',
    async (_name, dir) => {
      const summary = aggregate(readCells(dir));
      const committed = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      expect(JSON.parse(JSON.stringify(summary))).toEqual(committed);
      expect(summaryToCsv(summary)).toBe(readFileSync(join(dir, 'summary.csv'), 'utf8'));
      const svg = await vegaLiteToSvg(figureSpec(summary));
      expect(svg).toBe(readFileSync(join(dir, `${summary.experiment}.svg`), 'utf8'));
    },
  );
});
