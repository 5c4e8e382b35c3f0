import { SUMMARY_FORMAT, type Summary } from './aggregate';
import { assertRecord } from './guards';

const ATTACK_LABELS: Record<string, string> = {
  'gaussian-noise': 'Gaussian noise ε',
  'uniform-noise': 'uniform noise ε',
  'salt-and-pepper-noise': 'salt-and-pepper probability ε',
  'transferred-fgsm': 'transferred FGSM ε (L∞)',
};

/** Legend labels; `Sᵀʰ` is the thresholded pixel similarity S^Th, written with Unicode superscripts. */
const MODEL_LABELS: Record<string, string> = {
  unregularized: 'unregularized',
  regularized: 'regularized (Sᵀʰ)',
  surrogate: 'surrogate',
};

/** Colours close to the paper's: the control in grey, the S^Th-regularized model in red. */
const COLOURS = { domain: ['unregularized', 'regularized (Sᵀʰ)'], range: ['#4d4d4d', '#d62728'] };

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

function curveChart(summary: Summary): Record<string, unknown> {
  const values = summary.curves.flatMap((c) =>
    c.epsilons.map((epsilon, k) => {
      const sem = c.sem[k] ?? 0;
      return {
        model: MODEL_LABELS[c.model] ?? c.model,
        attack: ATTACK_LABELS[c.attack] ?? c.attack,
        epsilon,
        mean: c.mean[k],
        lo: Math.max(0, c.mean[k] - sem),
        hi: Math.min(1, c.mean[k] + sem),
      };
    }),
  );
  const x = { field: 'epsilon', type: 'quantitative', title: null, axis: { grid: false } };
  const colour = {
    field: 'model',
    type: 'nominal',
    title: null,
    scale: COLOURS,
    legend: { orient: 'bottom' },
  };
  return {
    data: { values },
    facet: {
      column: {
        field: 'attack',
        type: 'nominal',
        title: null,
        header: { labelFontSize: 13, labelOrient: 'bottom' },
      },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 400,
      height: 280,
      layer: [
        {
          mark: { type: 'area', opacity: 0.25 },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour },
        },
        {
          mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
          encoding: {
            x,
            y: {
              field: 'mean',
              type: 'quantitative',
              title: 'accuracy',
              scale: { domain: [0, 1] },
              axis: { format: '%' },
            },
            color: colour,
          },
        },
      ],
    },
  };
}

function boundaryChart(summary: Summary): Record<string, unknown> {
  const values = summary.boundary.flatMap((b) =>
    b.mean === null
      ? []
      : [
          {
            model: MODEL_LABELS[b.model] ?? b.model,
            mean: b.mean,
            lo: b.mean - (b.sem ?? 0),
            hi: b.mean + (b.sem ?? 0),
          },
        ],
  );
  const x = { field: 'model', type: 'nominal', title: null, sort: COLOURS.domain, axis: { labelAngle: 0 } };
  const colour = { field: 'model', type: 'nominal', title: null, scale: COLOURS, legend: null };
  return {
    data: { values },
    width: 260,
    height: 260,
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour },
      },
      {
        mark: { type: 'point', filled: true, size: 120 },
        encoding: {
          x,
          y: {
            field: 'mean',
            type: 'quantitative',
            title: 'median squared L2 per pixel',
            axis: { format: '.2e' },
          },
          color: colour,
        },
      },
    ],
  };
}

/**
 * The paper-style figure of a summary as a Vega-Lite spec: accuracy against ε, one line per model with a
 * shaded SEM band (one panel per attack), and Boundary-Attack scores as points with SEM bars. Render it
 * with `renderFigure` of `@pixsim/experiments/node` (SVG through vega, PNG through sharp).
 */
export function figureSpec(summary: Summary): Record<string, unknown> {
  assertRecord('figureSpec', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  const charts: Record<string, unknown>[] = [];
  if (summary.curves.length) charts.push(curveChart(summary));
  if (summary.boundary.length) charts.push(boundaryChart(summary));
  const body = charts.length === 1 ? charts[0] : { hconcat: charts };
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
