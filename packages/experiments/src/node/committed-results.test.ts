import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate, summaryToCsv } from '../aggregate';
import { EXPERIMENTS } from '../experiments';
import { figureSpec } from '../figure';
import { PRESETS } from '../presets';
import { resolveExperiment } from '../resolve';
import { type TuneResult, tuneTable } from '../tune';
import { tuneFigureSpec } from '../tune-figure';
import { vegaLiteToSvg } from './render';
import { readCells } from './results-dir';
import { collectTune } from './tune';
import { planTune } from './tune-plan';

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

/** `docs/results/<experiment>-tune/<preset>/tune.json`: the committed tuning grids. */
function tuneFiles(): string[] {
  if (!existsSync(RESULTS)) return [];
  return readdirSync(RESULTS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.endsWith('-tune'))
    .flatMap((e) =>
      readdirSync(join(RESULTS, e.name))
        .map((p) => join(RESULTS, e.name, p, 'tune.json'))
        .filter((f) => existsSync(f)),
    );
}

const tunes = tuneFiles();

describe.skipIf(tunes.length === 0)('committed tuning grids (docs/results/*-tune)', () => {
  it.each(tunes.map((f) => [f.slice(RESULTS.length + 1), f]))(
    '%s: collecting the committed cells gives the committed tune.json, table and heatmap',
    async (_name, file) => {
      const committed = JSON.parse(readFileSync(file, 'utf8')) as TuneResult;
      const plan = planTune(resolveExperiment(EXPERIMENTS[committed.experiment], PRESETS[committed.preset]), {
        alphas: committed.alphas,
        ths: committed.ths,
        seeds: committed.seeds,
        validationFraction: committed.validationFraction,
        attack: committed.attack as never,
      });
      const collected = collectTune(plan, RESULTS);
      expect(JSON.parse(JSON.stringify(collected))).toEqual(committed);
      const dir = join(file, '..');
      expect(`${tuneTable(collected)}\n`).toBe(readFileSync(join(dir, 'tune.md'), 'utf8'));
      // vega numbers gradient ids per process (gradient_0, gradient_1, …): the order of renders is not the figure.
      const ids = (svg: string) => svg.replace(/gradient_\d+/g, 'gradient_N');
      expect(ids(await vegaLiteToSvg(tuneFigureSpec(collected)))).toBe(
        ids(readFileSync(join(dir, 'tune.svg'), 'utf8')),
      );
    },
  );
});
