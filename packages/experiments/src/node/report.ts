import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Summary } from '../aggregate';
import { NoResultsError } from '../errors';
import { summaryTables } from '../table';
import { readJsonIfExists, writeText } from './files';
import { findSummaries, readCells } from './results-dir';

function section(dir: string, root: string, summary: Summary): string {
  const lines = [`## ${summary.title}`, ''];
  lines.push(
    `Experiment \`${summary.experiment}\`, preset \`${summary.preset}\`, seeds ${summary.seeds.join(', ')}, spec hash \`${summary.specHash}\`. ${summary.caption}`,
    '',
  );
  const png = join(dir, `${summary.experiment}.png`);
  if (existsSync(png)) lines.push(`![${summary.title}](${relative(root, png)})`, '');
  lines.push(summaryTables(summary), '');
  if (summary.reductions.length) lines.push(`Reduced scale: ${summary.reductions.join('; ')}.`, '');
  for (const note of summary.notes) lines.push(`Note: ${note}`, '');
  const cells = readCells(dir);
  lines.push(
    '| seed | models (weights fingerprint, best epoch) | wall time | engine |',
    '| --- | --- | ---: | --- |',
  );
  for (const c of cells) {
    const models = c.models
      .map((m) => `${m.role} \`${m.fingerprint}\` (${m.bestEpoch === null ? '–' : m.bestEpoch + 1})`)
      .join(', ');
    const seconds = Object.values(c.phases).reduce((a, b) => a + b, 0);
    lines.push(
      `| ${c.seed} | ${models} | ${Math.round(seconds)} s | ${c.environment.backend} × ${c.environment.threads} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * Writes `<dir>/report.md`: every figure and table found under `dir` (each aggregated preset folder),
 * with the seeds, spec hashes, reductions, notes, weight fingerprints and run times.
 */
export function writeReport(dir: string): { path: string; sections: number } {
  const found = findSummaries(dir);
  if (found.length === 0) {
    throw new NoResultsError(
      dir,
      `${dir} holds no summary.json; run \`pixsim aggregate\` (or \`pixsim reproduce\`) first.`,
    );
  }
  const parts = [
    '# pixsim results',
    '',
    `Every aggregated experiment under \`${dir}\` (mean ± SEM over seeds; accuracies in %).`,
    '',
  ];
  for (const presetDir of found) {
    const summary = readJsonIfExists<Summary>(join(presetDir, 'summary.json'));
    if (summary) parts.push(section(presetDir, dir, summary));
  }
  const path = join(dir, 'report.md');
  writeText(path, parts.join('\n'));
  return { path, sections: found.length };
}
