import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE, InvalidOptionError } from '../../errors';
import { EXPERIMENTS } from '../../experiments';
import { PRESETS } from '../../presets';
import { loadExperiment, loadPreset } from '../load';

/** Version tag of `sweep.json`. */
export const SWEEP_FORMAT = 'pixsim-sweep-1';

/** One cell of a sweep: array task / completion index `index` runs `experiment` at `seed`. */
export interface SweepCell {
  index: number;
  /** What `pixsim run` is given: a shipped id, or the absolute path of a spec file. */
  experiment: string;
  /** The spec's id (the results folder's name). */
  id: string;
  seed: number;
  /** The cell folder relative to the results root: `<id>/<preset>/seed-<seed>`. */
  dir: string;
}

/** The engine flags every cell is run with. */
export interface SweepEngine {
  backend: string;
  threads: string;
  evalEngine: string;
  dataDir?: string;
  imagenet?: string;
}

/** Scheduler resources of each cell. */
export interface SweepResources {
  cpus: number;
  /** Memory per cell, Slurm style: `4G`, `500M`. */
  mem: string;
  /** Time limit per cell, Slurm style: `minutes`, `HH:MM:SS` or `D-HH:MM:SS`. */
  time: string;
  partition?: string;
  account?: string;
  gpus?: number;
  /** At most this many cells at once (`--array=…%N`, the Indexed Job's parallelism). */
  maxParallel?: number;
}

/** A submission of a sweep to Slurm, as recorded in `sweep.json`. */
export interface SweepSubmission {
  at: string;
  arrayJob: string | null;
  tasks: number[];
  aggregateJob: string;
}

/** `sweep.json`: everything needed to write the job scripts and to tell which cells a sweep expects. */
export interface SweepManifest {
  format: typeof SWEEP_FORMAT;
  name: string;
  /** The `--preset` argument (shipped name or absolute path) and the preset's name. */
  preset: string;
  presetName: string;
  seeds: number[];
  /** The results root the cells write to (absolute; inside the container for Kubernetes). */
  out: string;
  /** The experiments' result folders relative to `out`: `<id>/<preset>`. */
  experimentDirs: string[];
  cells: SweepCell[];
  engine: SweepEngine;
  resources: SweepResources;
  /** The command line that starts pixsim where the cells run. */
  pixsim: string[];
  createdAt: string;
  submissions: SweepSubmission[];
  /**
   * The pixsim arguments of the aggregation step, replacing `aggregate` and `plot` of every experiment folder
   * (a tune's sweep: `tune … --collect`, which writes `tune.json`). Absent for `pixsim sweep`.
   */
  finalize?: string[];
  /**
   * Spec files the cells read, by file name: a Kubernetes sweep ships them in its ConfigMap (mounted beside
   * `sweep.json`), its cells naming them by that path. Absent for `pixsim sweep`.
   */
  specFiles?: Record<string, string>;
}

/** What {@link planSweep} needs. */
export interface SweepRequest {
  experiments: readonly string[];
  preset: string;
  /** Default: the preset's seeds. */
  seeds?: readonly number[];
  out: string;
  name?: string;
  engine: SweepEngine;
  resources: SweepResources;
  pixsim: string[];
  /** True when `out` is a path where the cells run (Kubernetes), not to be resolved here. */
  remoteOut?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** A sweep name that is also a valid Kubernetes object name prefix: lowercase, digits and `-`, ≤ 40. */
export function defaultSweepName(ids: readonly string[], preset: string): string {
  const raw = `${ids.join('-')}-${preset}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return raw.replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 40).replace(/-$/, '') || 'sweep';
}

/** Checks a `--name`. */
export function validateSweepName(name: string): string {
  if (!NAME.test(name)) {
    throw new InvalidOptionError(
      PACKAGE,
      `--name: '${name}' must be 1–40 lowercase letters, digits and '-', starting and ending with a letter or digit.`,
      { option: 'name' },
    );
  }
  return name;
}

/** Resolves the experiments and preset and lists the cells, index by index (experiment-major). */
export async function planSweep(request: SweepRequest): Promise<SweepManifest> {
  if (request.experiments.length === 0)
    throw new InvalidOptionError(PACKAGE, 'pixsim sweep: name at least one experiment.', {
      option: 'experiment',
    });
  const preset = await loadPreset(request.preset);
  const seeds = [...(request.seeds ?? preset.seeds)];
  if (seeds.length === 0)
    throw new InvalidOptionError(PACKAGE, '--seeds: the sweep needs at least one seed.', { option: 'seeds' });
  const cells: SweepCell[] = [];
  const experimentDirs: string[] = [];
  const ids = new Set<string>();
  for (const arg of request.experiments) {
    const spec = await loadExperiment(arg);
    if (ids.has(spec.id))
      throw new InvalidOptionError(PACKAGE, `pixsim sweep: experiment '${spec.id}' is named twice.`, {
        option: 'experiment',
      });
    ids.add(spec.id);
    const experiment = EXPERIMENTS[arg] ? arg : resolve(arg);
    experimentDirs.push(`${spec.id}/${preset.name}`);
    for (const seed of seeds) {
      cells.push({
        index: cells.length,
        experiment,
        id: spec.id,
        seed,
        dir: `${spec.id}/${preset.name}/seed-${seed}`,
      });
    }
  }
  const absolute = (p?: string) => (p === undefined ? undefined : resolve(p));
  return {
    format: SWEEP_FORMAT,
    name: validateSweepName(request.name ?? defaultSweepName([...ids], preset.name)),
    preset: !PRESETS[request.preset] && existsSync(request.preset) ? resolve(request.preset) : request.preset,
    presetName: preset.name,
    seeds,
    out: request.remoteOut ? request.out : resolve(request.out),
    experimentDirs,
    cells,
    engine: {
      ...request.engine,
      ...(request.engine.dataDir ? { dataDir: absolute(request.engine.dataDir) } : {}),
      ...(request.engine.imagenet ? { imagenet: absolute(request.engine.imagenet) } : {}),
    },
    resources: request.resources,
    pixsim: request.pixsim,
    createdAt: new Date().toISOString(),
    submissions: [],
  };
}

/** Quotes a word for POSIX shells (bash and sh). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `[0,1,2,5,7,8]` → `0-2,5,7-8` (Slurm's `--array` syntax). */
export function indexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The `pixsim run` command line of a cell whose experiment and seed are in `$experiment` and `$seed`. */
export function runCommand(m: SweepManifest): string {
  const q = shellQuote;
  const flags = [
    `--preset ${q(m.preset)}`,
    `--out ${q(m.out)}`,
    `--backend ${q(m.engine.backend)}`,
    `--threads ${q(m.engine.threads)}`,
    `--eval-engine ${q(m.engine.evalEngine)}`,
    ...(m.engine.dataDir ? [`--data-dir ${q(m.engine.dataDir)}`] : []),
    ...(m.engine.imagenet ? [`--imagenet ${q(m.engine.imagenet)}`] : []),
  ];
  return `${m.pixsim.map(q).join(' ')} run "$experiment" --seed "$seed" ${flags.join(' ')}`;
}

/** A shell `case` on `variable` that sets `$experiment` and `$seed` for each cell index. */
export function cellCase(m: SweepManifest, variable: string, onMissing: string): string {
  const lines = m.cells.map((c) => `  ${c.index}) experiment=${shellQuote(c.experiment)} seed=${c.seed} ;;`);
  return [`case "${variable}" in`, ...lines, `  *) ${onMissing} ;;`, 'esac'].join('\n');
}

/** The shell lines of a sweep's aggregation step: its `finalize` command, or `aggregate` and `plot` of each experiment. */
export function finalizeSteps(m: SweepManifest): string[] {
  const pixsim = m.pixsim.map(shellQuote).join(' ');
  if (m.finalize) return [`${pixsim} ${m.finalize.map(shellQuote).join(' ')}`];
  return m.experimentDirs.flatMap((d) => {
    const dir = shellQuote(`${m.out}/${d}`);
    return [`${pixsim} aggregate ${dir}`, `${pixsim} plot ${dir}`];
  });
}
