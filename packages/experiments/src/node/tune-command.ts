import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { PACKAGE, InvalidOptionError } from '../errors';
import type { ResolvedExperiment } from '../resolve';
import { ATTACK_KINDS, type AttackKind } from '../spec';
import { tuneTable } from '../tune';
import {
  type EngineFlags,
  engineOptions,
  jobsFlag,
  loadResolved,
  numberFlag,
  prepare,
  runFlags,
  stopOnSignals,
} from './cli-engine';
import { parseSeeds } from './seeds';
import { emitSweep, planFromFlags, type SweepFlags, sweepOptions } from './sweep/commands';
import { MANIFEST_MOUNT } from './sweep/k8s';
import { defaultSweepName } from './sweep/plan';
import { parseEmitTarget } from './sweep/resources';
import { collectTune, tune, tuneInProcesses, writeTuneOutputs, writeTuneSpecs } from './tune';
import { planTune, type TuneGrid, tuneDir } from './tune-plan';

interface TuneFlags extends EngineFlags, Omit<SweepFlags, keyof EngineFlags | 'emit' | 'seeds'> {
  alphas: number[];
  ths: number[];
  seeds?: number[];
  validation: number;
  attack?: AttackKind;
  jobs: number;
  collect?: boolean;
  emit?: SweepFlags['emit'];
}

/** Parses a list of numbers (`--alphas 1,3,10`). */
function numberList(name: string): (text: string) => number[] {
  const one = numberFlag(name);
  return (text) => text.split(',').map((t) => one(t.trim()));
}

function gridOf(experiment: ResolvedExperiment, flags: TuneFlags): TuneGrid {
  return {
    alphas: flags.alphas,
    ths: flags.ths,
    seeds: flags.seeds ?? experiment.preset.seeds,
    validationFraction: flags.validation,
    attack: flags.attack,
  };
}

/** `--collect`: reads the finished cells, selects, writes tune.json, the table and the heatmap. */
async function collect(experiment: ResolvedExperiment, flags: TuneFlags): Promise<void> {
  const result = collectTune(planTune(experiment, gridOf(experiment, flags)), flags.out);
  const files = await writeTuneOutputs(result, tuneDir(flags.out, experiment));
  process.stdout.write(
    `${tuneTable(result)}\n\ntune:   ${files.json}, ${files.table}\nfigure: ${files.figure.png}\n`,
  );
}

/** `--emit slurm|k8s`: the tune's cells as a sweep whose aggregation step is `pixsim tune … --collect`. */
async function emitTune(name: string, experiment: ResolvedExperiment, flags: TuneFlags): Promise<void> {
  const plan = planTune(experiment, gridOf(experiment, flags));
  const k8s = flags.emit === 'k8s';
  const sweepName = flags.name ?? defaultSweepName([`${experiment.spec.id}-tune`], experiment.preset.name);
  // Slurm cells read the spec files from the shared file system; Kubernetes pods from the sweep's ConfigMap.
  const specDir = k8s
    ? join(resolve(flags.scriptDir ?? join('sweeps', sweepName)), 'specs')
    : tuneDir(resolve(flags.out), experiment);
  const files = writeTuneSpecs(plan, specDir.replace(/[/\\]specs$/, ''));
  const sweepFlags = { ...flags, seeds: [...plan.seeds], emit: flags.emit as SweepFlags['emit'] };
  const manifest = await planFromFlags(files, sweepFlags, sweepName);
  const grid = [
    ...['--alphas', plan.alphas.join(','), '--ths', plan.ths.join(','), '--seeds', plan.seeds.join(',')],
    ...['--validation', String(plan.validationFraction), '--attack', plan.attack],
  ];
  manifest.finalize = [
    'tune',
    name,
    '--preset',
    manifest.preset,
    ...grid,
    '--out',
    manifest.out,
    '--collect',
  ];
  if (k8s) {
    const { readFileSync } = await import('node:fs');
    manifest.specFiles = Object.fromEntries(files.map((f) => [basename(f), readFileSync(f, 'utf8')]));
    for (const cell of manifest.cells) cell.experiment = `${MANIFEST_MOUNT}/${basename(cell.experiment)}`;
  }
  await emitSweep(manifest, sweepFlags);
}

async function tuneAction(name: string, flags: TuneFlags): Promise<void> {
  const experiment = await loadResolved(name, { preset: flags.preset });
  if (flags.emit && (flags.collect || flags.jobs > 1))
    throw new InvalidOptionError(
      PACKAGE,
      '--emit writes job scripts; it takes neither --collect nor --jobs.',
      { option: 'emit' },
    );
  if (flags.collect) return collect(experiment, flags);
  if (flags.emit) return emitTune(name, experiment, flags);
  const grid = gridOf(experiment, flags);
  if (flags.jobs > 1) {
    planTune(experiment, grid); // the grid is checked before any process starts
    const threads =
      flags.threads === 'auto'
        ? String(Math.max(1, Math.floor(availableParallelism() / flags.jobs)))
        : flags.threads;
    const controller = stopOnSignals();
    const outcome = await tuneInProcesses({
      experiment,
      out: flags.out,
      jobs: flags.jobs,
      ...grid,
      command: [process.execPath, ...process.execArgv, process.argv[1]],
      runFlags: runFlags(flags, threads),
      signal: controller.signal,
    });
    if (!outcome.tune) process.exitCode = controller.exitStatus;
    return;
  }
  const { common, interruptedStatus } = await prepare(name, flags);
  const outcome = await tune({ ...common, ...grid });
  if (!outcome.tune) process.exitCode = interruptedStatus();
}

/** Adds `pixsim tune` to the program. */
export function addTuneCommand(program: Command): void {
  const cmd = engineOptions(program.command('tune <experiment>'))
    .description(
      'choose (α, Th) on a validation split of the training images: one baseline per seed, one cell per (α, Th, seed)',
    )
    .requiredOption('--alphas <list>', 'α values, e.g. 1,3,10', numberList('alphas'))
    .requiredOption('--ths <list>', 'Th values, e.g. 0.4,0.6,0.8', numberList('ths'))
    .option(
      '--seeds <list>',
      "tuning seeds, e.g. 1,2 (default: the preset's); reproduce on others",
      parseSeeds,
    )
    .option(
      '--validation <fraction>',
      'fraction of the training images held out and evaluated',
      numberFlag('validation'),
      0.1,
    )
    .addOption(
      new Option('--attack <kind>', "the attack of R_D/U_D (default: the experiment's first)").choices(
        ATTACK_KINDS,
      ),
    )
    .option('--jobs <n>', 'cells at once, each in a process of its own', jobsFlag, 1)
    .option('--collect', 'only read the finished cells and write tune.json, the table and the heatmap')
    .addOption(
      new Option('--emit <target>', 'write job scripts instead: slurm or k8s').argParser(parseEmitTarget),
    );
  sweepOptions(cmd).action(tuneAction);
}
