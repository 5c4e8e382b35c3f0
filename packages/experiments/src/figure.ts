import { SUMMARY_FORMAT, type Summary } from './aggregate';
import { assertRecord } from './guards';
import type { KindSection } from './kinds/kind';
import { EVALUATION_KINDS } from './kinds/registry';

/**
 * Wraps long text into lines of at most `width` characters. vega's headless renderer sizes the canvas from
 * an estimate of the text's width, so a long unwrapped title widens the canvas far beyond the plot.
 */
function wrap(text: string, width = 72): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function subtitle(summary: Summary): string[] {
  const seeds = `preset '${summary.preset}', ${summary.seeds.length} seed${summary.seeds.length === 1 ? '' : 's'} (${summary.seeds.join(', ')}), mean ± SEM`;
  const lines = [seeds];
  if (summary.reductions.length) lines.push(...wrap(`reduced scale: ${summary.reductions.join('; ')}`));
  for (const note of summary.notes) lines.push(...wrap(note));
  return lines;
}

/** The summaries of `section` that `names` produced (curves by `attack`, evaluations by `kind`). */
function summariesOf(summary: Summary, section: KindSection, names: readonly string[]): unknown[] {
  const all = (summary[section] ?? []) as { attack?: string; kind?: string }[];
  if (section === 'boundary') return names.includes('boundary') ? all : [];
  return all.filter((s) => names.includes((section === 'curves' ? s.attack : s.kind) as string));
}

/** Every kind's charts, in the registry's order. */
export function kindCharts(summary: Summary): Record<string, unknown>[] {
  return EVALUATION_KINDS.flatMap((kind) => {
    const mine = summariesOf(summary, kind.section, kind.names);
    return mine.length ? kind.charts(mine) : [];
  });
}

/** Every kind's Markdown tables, in the registry's order. */
export function kindTables(summary: Summary): string[] {
  return EVALUATION_KINDS.flatMap((kind) => {
    const mine = summariesOf(summary, kind.section, kind.names);
    return mine.length ? kind.tables(mine) : [];
  });
}

/**
 * The paper-style figure of a summary as a Vega-Lite spec: accuracy against ε, one line per model with a
 * shaded SEM band (one panel per attack), Boundary-Attack scores as points with SEM bars, and the chart of
 * each other kind (accuracy or distance against queries, accuracy per corruption and severity). One or two
 * charts side by side; more, one under the other. Render it with `renderFigure` of
 * `@pixsim/experiments/node` (SVG through vega, PNG through sharp).
 */
export function figureSpec(summary: Summary): Record<string, unknown> {
  assertRecord('figureSpec', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  const charts = kindCharts(summary);
  // More than two charts (the newer kinds): one under the other, each with its own legend.
  const body =
    charts.length === 1
      ? charts[0]
      : charts.length <= 2
        ? { hconcat: charts }
        : { vconcat: charts, resolve: { scale: { color: 'independent' } } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: wrap(summary.title, 64),
      subtitle: subtitle(summary),
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 11,
    },
    background: 'white',
    padding: 12,
    config: {
      font: 'DejaVu Sans, Arial, sans-serif',
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12 },
    },
    ...body,
  };
}
