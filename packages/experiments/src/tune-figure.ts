import { assertRecord } from './guards';
import { MIN_CLEAN_RATIO, TUNE_FORMAT, type TuneResult, tuneVerdict } from './tune';

const num = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/**
 * The heatmap of a tune as a Vega-Lite spec: α (rows) × Th (columns), coloured by mean R_D/U_D; each cell
 * prints R_D/U_D and R0/U0, pairs failing R0/U0 ≥ 0.9 are hatched grey and marked, the selected pair is
 * outlined. Render it with `renderVegaLite` of `@pixsim/experiments/node`.
 */
export function tuneFigureSpec(tune: TuneResult): Record<string, unknown> {
  assertRecord('tuneFigureSpec', 'tune', tune, TUNE_FORMAT, ['cells', 'seeds']);
  const values = tune.cells.map((c) => ({
    alpha: String(c.alpha),
    th: String(c.th),
    rdud: c.rdud.mean,
    label: [
      `R_D/U_D ${num(c.rdud.mean)}`,
      `R0/U0 ${num(c.r0u0.mean)}`,
      c.passes ? '' : `fails R0/U0 ≥ ${MIN_CLEAN_RATIO}`,
    ],
    passes: c.passes,
    selected: tune.selected?.alpha === c.alpha && tune.selected.th === c.th,
  }));
  const x = {
    field: 'th',
    type: 'ordinal',
    title: 'Th',
    sort: tune.ths.map(String),
    axis: { labelAngle: 0 },
  };
  const y = { field: 'alpha', type: 'ordinal', title: 'α', sort: tune.alphas.map(String) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Tuning ${tune.experiment}: R_D/U_D over (α, Th)`,
      subtitle: [
        `preset '${tune.preset}', seeds ${tune.seeds.join(', ')} (mean over seeds); ${tune.attack} at ε = ${tune.epsilon}`,
        `on ${tune.validationImages} held-out training images, never the test set`,
        `${tuneVerdict(tune)}${tune.selected ? ' (outlined)' : ''}`,
      ],
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
    data: { values },
    width: Math.max(240, 110 * tune.ths.length),
    height: Math.max(160, 70 * tune.alphas.length),
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            condition: { test: '!datum.passes', value: '#d9d9d9' },
            field: 'rdud',
            type: 'quantitative',
            title: 'R_D/U_D',
            scale: { scheme: 'viridis' },
            legend: { format: '.3f' },
          },
        },
      },
      {
        mark: { type: 'rect', fill: null, strokeWidth: 4 },
        encoding: {
          stroke: { condition: { test: 'datum.selected', value: '#d62728' }, value: null },
        },
      },
      {
        mark: { type: 'text', fontSize: 11, lineHeight: 14 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: '!datum.passes', value: '#404040' }, value: 'white' },
        },
      },
    ],
  };
}
