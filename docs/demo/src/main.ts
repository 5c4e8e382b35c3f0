/**
 * The demo page: controls, live charts (uPlot), heatmaps (canvas). Training runs in `worker.ts`; every number
 * shown here arrives from it as it is computed.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DEFAULT_SETTINGS, type DemoSettings, type RunKind, TAPS } from './settings';
import { drawColourBar, drawHeatmap } from './heatmap';
import type { DataInfo, EnginePreference, FromWorker, ToWorker } from './protocol';

/** What a test (or a curious person in the console) can read: `window.pixsimDemo`. */
export interface DemoState {
  status: 'idle' | 'loading' | 'running' | 'done' | 'stopped' | 'error';
  engine: string | null;
  settings: DemoSettings;
  phase: RunKind | null;
  steps: Record<RunKind, number>;
  /** `tf.memory().numTensors` after each step of each run. */
  numTensors: Record<RunKind, number[]>;
  /** Test accuracy (0–1) under noise per ε, once each run has ended. */
  accuracy: Partial<Record<RunKind, number[]>>;
  epsilons: number[];
  /** Last r(S^CNN, S^Th) of each run. */
  correlation: Partial<Record<RunKind, number>>;
  /** Tensors alive in the worker at the end (after everything was disposed). */
  finalNumTensors: number | null;
  errors: string[];
}

const KINDS: RunKind[] = ['unregularized', 'regularized'];
const COLOURS: Record<RunKind, string> = { unregularized: '#6b6b6b', regularized: '#d6604d' };
const TAP_COLOURS = ['#4393c3', '#5aae61', '#9970ab'];

const $ = <T extends HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

/** Settings from the form, overridden by URL parameters (`?alpha=1&th=0.2&steps=300&seed=1&autorun=1`). */
function readSettings(): { settings: DemoSettings; engine: EnginePreference } {
  const number = (id: string) => Number(($(id) as HTMLInputElement).value);
  const settings: DemoSettings = {
    ...DEFAULT_SETTINGS,
    alpha: number('alpha'),
    th: number('th'),
    steps: Math.max(1, Math.round(number('steps'))),
    seed: Math.max(0, Math.round(number('seed'))),
  };
  const params = new URLSearchParams(location.search);
  const testCount = Number(params.get('testCount'));
  if (testCount > 0) settings.testCount = Math.round(testCount);
  const probeEvery = Number(params.get('probeEvery'));
  if (probeEvery > 0) settings.probeEvery = Math.round(probeEvery);
  settings.probeEvery = Math.min(settings.probeEvery, settings.steps);
  const engine = ($('engine') as HTMLSelectElement).value as EnginePreference;
  return { settings, engine };
}

/** Fills the form with the defaults, then with URL parameters. */
function applyUrlParameters(): void {
  const d = DEFAULT_SETTINGS;
  const defaults: Record<string, number> = { alpha: d.alpha, th: d.th, steps: d.steps, seed: d.seed };
  for (const [id, value] of Object.entries(defaults)) ($(id) as HTMLInputElement).value = String(value);
  const params = new URLSearchParams(location.search);
  for (const id of ['alpha', 'th', 'steps', 'seed', 'engine']) {
    const value = params.get(id);
    if (value !== null) ($(id) as HTMLInputElement | HTMLSelectElement).value = value;
  }
}

function chartWidth(element: HTMLElement): number {
  return Math.max(280, Math.min(560, element.clientWidth || 480));
}

/** A line chart in `container` with the given series (x first). */
function lineChart(
  container: HTMLElement,
  xLabel: string,
  yLabel: string,
  series: uPlot.Series[],
  scales: uPlot.Scales = {},
): uPlot {
  const options: uPlot.Options = {
    width: chartWidth(container),
    height: 240,
    scales: { x: { time: false }, ...scales },
    axes: [{ label: xLabel }, { label: yLabel }],
    series: [{ label: xLabel }, ...series],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
  const data = [[], ...series.map(() => [])] as unknown as uPlot.AlignedData;
  return new uPlot(options, data, container);
}

const line = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({
  label,
  stroke,
  width: 2,
  dash,
  spanGaps: true,
  points: { show: false },
});

class DemoPage {
  readonly state: DemoState;
  private worker: Worker | null = null;
  private info: DataInfo | null = null;
  private readonly lossChart: uPlot;
  private readonly simChart: uPlot;
  private readonly tapChart: uPlot;
  private readonly noiseChart: uPlot;
  /** Chart columns, indexed by step (index 0 is the initial probe). */
  private readonly taskLoss: Record<RunKind, (number | null)[]> = { unregularized: [], regularized: [] };
  private readonly probeLoss: Record<RunKind, (number | null)[]> = { unregularized: [], regularized: [] };
  private trainSimLoss: (number | null)[] = [];
  private tapWeights: (number | null)[][] = TAPS.map(() => []);
  private readonly smoothed: Record<RunKind, number | null> = { unregularized: null, regularized: null };
  private smoothedSim: number | null = null;
  private redraw = 0;
  private stepMs: number[] = [];

  constructor() {
    const { settings } = readSettings();
    this.state = {
      status: 'idle',
      engine: null,
      settings,
      phase: null,
      steps: { unregularized: 0, regularized: 0 },
      numTensors: { unregularized: [], regularized: [] },
      accuracy: {},
      epsilons: settings.epsilons,
      correlation: {},
      finalNumTensors: null,
      errors: [],
    };
    this.lossChart = lineChart($('loss-chart'), 'step', 'L_task', [
      line('unregularized', COLOURS.unregularized),
      line('regularized', COLOURS.regularized),
    ]);
    this.simChart = lineChart($('sim-chart'), 'step', 'L_sim', [
      line('fixed digits, unregularized', COLOURS.unregularized),
      line('fixed digits, regularized', COLOURS.regularized),
      line('training pairs, regularized', COLOURS.regularized, [4, 4]),
    ]);
    this.tapChart = lineChart(
      $('tap-chart'),
      'step',
      'softmax(w)',
      TAPS.map((tap, k) => line(tap, TAP_COLOURS[k])),
      { y: { range: [0, 1] } },
    );
    this.noiseChart = lineChart(
      $('noise-chart'),
      'noise ε',
      'test accuracy (%)',
      KINDS.map((kind) => ({ ...line(kind, COLOURS[kind]), points: { show: true, size: 6 } })),
      { y: { range: [0, 100] } },
    );
    drawColourBar($<HTMLCanvasElement>('colour-bar'));
    $('run').addEventListener('click', () => this.start());
    $('stop').addEventListener('click', () => this.stop());
    window.addEventListener('resize', () => {
      for (const chart of [this.lossChart, this.simChart, this.tapChart, this.noiseChart]) {
        const parent = chart.root.parentElement;
        if (parent) chart.setSize({ width: chartWidth(parent), height: 240 });
      }
    });
  }

  start(): void {
    this.stop();
    const { settings, engine } = readSettings();
    Object.assign(this.state, {
      status: 'loading',
      engine: null,
      settings,
      phase: null,
      steps: { unregularized: 0, regularized: 0 },
      numTensors: { unregularized: [], regularized: [] },
      accuracy: {},
      epsilons: settings.epsilons,
      correlation: {},
      finalNumTensors: null,
      errors: [],
    } satisfies Partial<DemoState>);
    const columns = settings.steps + 1;
    const empty = () => new Array<number | null>(columns).fill(null);
    for (const kind of KINDS) {
      this.taskLoss[kind] = empty();
      this.probeLoss[kind] = empty();
      this.smoothed[kind] = null;
    }
    this.trainSimLoss = empty();
    this.smoothedSim = null;
    this.tapWeights = TAPS.map(() => empty());
    this.stepMs = [];
    this.info = null;
    for (const id of ['heat-unregularized', 'heat-regularized', 'heat-target']) {
      const canvas = $<HTMLCanvasElement>(id);
      canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    }
    for (const id of ['r-unregularized', 'r-regularized', 'tap-values', 'accuracy-table', 'data-summary']) {
      $(id).textContent = '';
    }
    this.noiseChart.setData([settings.epsilons, [], []] as unknown as uPlot.AlignedData);
    this.scheduleRedraw();
    ($('run') as HTMLButtonElement).disabled = true;
    ($('stop') as HTMLButtonElement).disabled = false;
    this.setStatus(`loading the digits and starting the engine (${engine})…`);
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => this.fail(`worker: ${event.message}`);
    const dataUrl = new URL('./data/mnist-digits.bin', location.href).href;
    const message: ToWorker = { type: 'start', settings, engine, dataUrl };
    worker.postMessage(message);
  }

  stop(): void {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    if (this.state.status === 'running' || this.state.status === 'loading') {
      this.state.status = 'stopped';
      this.setStatus('stopped.');
    }
    ($('run') as HTMLButtonElement).disabled = false;
    ($('stop') as HTMLButtonElement).disabled = true;
  }

  private fail(message: string): void {
    this.state.status = 'error';
    this.state.errors.push(message);
    console.error(`[pixsim demo] ${message}`);
    this.setStatus(`error: ${message.split('\n')[0]}`);
    this.stop();
  }

  private setStatus(text: string): void {
    $('status').textContent = text;
  }

  private receive(message: FromWorker): void {
    const s = this.state.settings;
    switch (message.type) {
      case 'engine':
        this.state.engine = message.backend;
        $('engine-used').textContent = `engine: ${message.backend} — ${message.detail}`;
        break;
      case 'data': {
        this.info = message.info;
        const info = message.info;
        const n = info.fixedLabels.length;
        drawHeatmap($<HTMLCanvasElement>('heat-target'), info.fixedTargets, n, {
          cell: 12,
          digits: info.fixedImages,
        });
        $('data-summary').textContent =
          `${info.trainCount} training digits (also the regularization images: ${info.pairCount.toLocaleString('en')} pairs, ` +
          `${(100 * info.nonZeroShare).toFixed(1)} % with a ±1 target at Th = ${s.th}), ${info.testCount} test digits; ` +
          `heatmaps: ${n} fixed training digits (${s.probePerClass} per class).`;
        this.state.status = 'running';
        break;
      }
      case 'phase':
        this.state.phase = message.kind;
        break;
      case 'step': {
        const r = message.record;
        this.state.steps[r.kind] = r.step;
        this.state.numTensors[r.kind].push(r.numTensors);
        const previous = this.smoothed[r.kind];
        const smooth = previous === null ? r.taskLoss : 0.9 * previous + 0.1 * r.taskLoss;
        this.smoothed[r.kind] = smooth;
        this.taskLoss[r.kind][r.step] = smooth;
        if (r.simLoss !== null) {
          this.smoothedSim = this.smoothedSim === null ? r.simLoss : 0.9 * this.smoothedSim + 0.1 * r.simLoss;
          this.trainSimLoss[r.step] = this.smoothedSim;
        }
        this.stepMs.push(r.ms);
        const recent = this.stepMs.slice(-20);
        const ms = recent.reduce((a, b) => a + b, 0) / recent.length;
        this.setStatus(
          `training ${r.kind}: step ${r.step} / ${s.steps} (${ms.toFixed(0)} ms a step), ` +
            `batch accuracy ${(100 * r.batchAccuracy).toFixed(0)} %, ${r.numTensors} tensors`,
        );
        this.scheduleRedraw();
        break;
      }
      case 'probe': {
        const r = message.record;
        this.probeLoss[r.kind][r.step] = r.simLoss;
        this.state.correlation[r.kind] = r.correlation;
        if (r.kind === 'regularized') {
          for (const [t, w] of r.tapWeights.entries()) this.tapWeights[t][r.step] = w;
        }
        if (this.info) {
          drawHeatmap($<HTMLCanvasElement>(`heat-${r.kind}`), r.sCnn, this.info.fixedLabels.length, {
            cell: 12,
            digits: this.info.fixedImages,
          });
        }
        $(`r-${r.kind}`).textContent =
          `step ${r.step}: r(S^CNN, S^Th) = ${r.correlation.toFixed(3)}, L_sim = ${r.simLoss.toFixed(2)}`;
        $('tap-values').textContent =
          `${r.kind === 'regularized' ? 'regularized' : 'unregularized (w is not trained)'}, step ${r.step}: ` +
          TAPS.map((tap, t) => `${tap} ${r.tapWeights[t].toFixed(3)}`).join(', ');
        this.scheduleRedraw();
        break;
      }
      case 'noise': {
        const r = message.record;
        this.state.accuracy[r.kind] = r.accuracy;
        this.state.epsilons = r.epsilons;
        this.noiseChart.setData([
          r.epsilons,
          ...KINDS.map(
            (kind) => this.state.accuracy[kind]?.map((a) => 100 * a) ?? r.epsilons.map(() => null),
          ),
        ] as unknown as uPlot.AlignedData);
        this.renderAccuracyTable();
        break;
      }
      case 'done':
        this.state.finalNumTensors = message.numTensors;
        this.state.status = message.stopped ? 'stopped' : 'done';
        this.setStatus(
          message.stopped
            ? 'stopped.'
            : `done: ${s.steps} steps each; ${message.numTensors} tensors left in the worker after disposal.`,
        );
        this.flush();
        this.worker?.terminate();
        this.worker = null;
        ($('run') as HTMLButtonElement).disabled = false;
        ($('stop') as HTMLButtonElement).disabled = true;
        break;
      case 'error':
        this.fail(message.message);
        break;
    }
  }

  private renderAccuracyTable(): void {
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    head.insertCell().textContent = 'ε';
    for (const e of this.state.epsilons) head.insertCell().textContent = e.toFixed(2);
    const body = table.createTBody();
    for (const kind of KINDS) {
      const values = this.state.accuracy[kind];
      if (!values) continue;
      const row = body.insertRow();
      row.className = `accuracy-${kind}`;
      row.insertCell().textContent = `${kind} (%)`;
      for (const a of values) row.insertCell().textContent = (100 * a).toFixed(1);
    }
    $('accuracy-table').replaceChildren(table);
  }

  /** Redraws the live charts at most once per animation frame. */
  private scheduleRedraw(): void {
    if (this.redraw) return;
    this.redraw = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    if (this.redraw) cancelAnimationFrame(this.redraw);
    this.redraw = 0;
    const xs = Array.from({ length: this.state.settings.steps + 1 }, (_, i) => i);
    this.lossChart.setData([xs, this.taskLoss.unregularized, this.taskLoss.regularized] as uPlot.AlignedData);
    this.simChart.setData([
      xs,
      this.probeLoss.unregularized,
      this.probeLoss.regularized,
      this.trainSimLoss,
    ] as uPlot.AlignedData);
    this.tapChart.setData([xs, ...this.tapWeights] as uPlot.AlignedData);
  }
}

window.addEventListener('error', (event) => console.error(`[pixsim demo] ${event.message}`));
applyUrlParameters();
const page = new DemoPage();
(window as unknown as { pixsimDemo: DemoState }).pixsimDemo = page.state;
if (new URLSearchParams(location.search).get('autorun') === '1') page.start();
