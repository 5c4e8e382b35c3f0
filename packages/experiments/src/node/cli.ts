import type { EvaluationEngine } from '@pixsim/onnx';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type BackendPreference, initBackend } from '@pixsim/backend/node';
import { Command, CommanderError, Option } from 'commander';
import type { Summary } from '../aggregate';
import { ExperimentsError, InvalidOptionError } from '../errors';
import { EXPERIMENTS } from '../experiments';
import { PRESETS } from '../presets';
import { resolveExperiment } from '../resolve';
import { summaryTables } from '../table';
import { readJsonIfExists } from './files';
import { loadExperiment, loadPreset } from './load';
import { renderFigure } from './render';
import { reproduce, reproduceInProcesses } from './reproduce';
import { addDataCommands } from './data-command';
import { aggregateDir } from './results-dir';
import { writeReport } from './report';
import { runCell } from './run-cell';
import { parseSeed, parseSeeds } from './seeds';
import { addSweepCommands } from './sweep/commands';
import { experimentsVersion } from './version';

interface EngineFlags {
  backend: BackendPreference;
  threads: string;
  dataDir?: string;
  imagenet?: string;
  preset: string;
  out: string;
  evalEngine: EvaluationEngine;
}

/** Parses `--threads` (an {@link InvalidOptionError}, like every bad flag, when it is not 1–8 or auto). */
function threadsOf(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 8) {
    throw new InvalidOptionError(
      'threads',
      `--threads: '${text}' is not 1–8 or auto; pass e.g. --threads 2.`,
    );
  }
  return n;
}

/** Parses `--jobs` (cells at once in `pixsim reproduce`): an integer 1–64. */
function jobsFlag(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64) {
    throw new InvalidOptionError(
      'jobs',
      `--jobs: '${text}' is not an integer 1–64; pass e.g. --jobs 2 (one cell per core, each on one wasm thread).`,
    );
  }
  return n;
}

/** `--threads` checked while the flags are parsed, before any experiment is loaded. */
function threadsFlag(text: string): string {
  threadsOf(text);
  return text;
}

function engineOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-p, --preset <preset>', 'preset name (paper, cpu, quick, smoke) or preset JSON file')
    .option('-o, --out <dir>', 'results folder', 'results')
    .addOption(
      new Option('--backend <engine>', 'TensorFlow.js engine')
        .choices(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'])
        .default('auto'),
    )
    .option('--threads <n>', 'wasm threads: 1–8 or auto (all cores)', threadsFlag, 'auto')
    .addOption(
      new Option(
        '--eval-engine <engine>',
        'engine of the evaluations: onnxruntime-node when installed (auto), or force one',
      )
        .choices(['auto', 'onnxruntime', 'tfjs'])
        .default('auto'),
    )
    .option(
      '--data-dir <dir>',
      "folder of CIFAR-10/100 (binary version); default: the copy 'pixsim data list' shows, else a download",
    )
    .option(
      '--imagenet <dir>',
      'ImageNet training images (<class>/<image>); cpu/quick/smoke fall back to Tiny-ImageNet',
    );
}

async function prepare(experimentArg: string, flags: EngineFlags) {
  const experiment = resolveExperiment(await loadExperiment(experimentArg), await loadPreset(flags.preset));
  const choice = await initBackend(flags.backend, { wasmThreads: threadsOf(flags.threads), log: false });
  process.stderr.write(
    // One line: what was chosen and why (initBackend's reason), e.g. "wasm (auto, 2 threads): no tensorflow — …".
    `engine: ${choice.reason}; evaluations: ${flags.evalEngine}\n`,
  );
  const controller = stopOnSignals();
  return {
    experiment,
    common: {
      experiment,
      out: flags.out,
      dataDir: flags.dataDir,
      imagenetDir: flags.imagenet,
      engine: { backend: choice.backend, threads: choice.threads },
      evaluationEngine: flags.evalEngine,
      signal: controller.signal,
    },
    /** Exit status of an interrupted run: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
    interruptedStatus: () => controller.exitStatus,
  };
}

/**
 * Ctrl-C (SIGINT) and SIGTERM (what Slurm sends a preempted, requeued or cancelled task, and Kubernetes a
 * deleted pod) stop the run at the next training step; the cell resumes from its checkpoints next time. A
 * second signal quits at once.
 */
function stopOnSignals(): AbortController & { exitStatus: number } {
  const controller = Object.assign(new AbortController(), { exitStatus: 130 });
  const numbers = { SIGINT: 2, SIGTERM: 15 } as const;
  const handlers = (Object.keys(numbers) as (keyof typeof numbers)[]).map((name) => {
    const handler = () => {
      process.stderr.write(`\n${name}: interrupting at the next step (${name} again to quit now)\n`);
      controller.exitStatus = 128 + numbers[name];
      controller.abort();
      for (const [other, h] of handlers) process.off(other, h);
      for (const [other] of handlers) process.once(other, () => process.exit(128 + numbers[other]));
    };
    process.once(name, handler);
    return [name, handler] as const;
  });
  return controller;
}

/**
 * `pixsim reproduce --jobs N`: the cells run as `pixsim run` processes (this program, same flags), N at a time;
 * this process only validates, waits, then aggregates and plots.
 */
async function reproduceByJobs(name: string, flags: EngineFlags & { seeds?: number[]; jobs: number }) {
  // Validates the experiment and preset before any process starts.
  const experiment = resolveExperiment(await loadExperiment(name), await loadPreset(flags.preset));
  const seeds = flags.seeds ?? experiment.preset.seeds;
  const threads =
    flags.threads === 'auto'
      ? String(Math.max(1, Math.floor(availableParallelism() / Math.min(flags.jobs, seeds.length))))
      : flags.threads;
  const shared = [
    ...['--preset', flags.preset, '--out', flags.out, '--backend', flags.backend],
    ...['--threads', threads, '--eval-engine', flags.evalEngine],
    ...(flags.dataDir ? ['--data-dir', flags.dataDir] : []),
    ...(flags.imagenet ? ['--imagenet', flags.imagenet] : []),
  ];
  process.stderr.write(
    `${seeds.length} cell${seeds.length === 1 ? '' : 's'}, ${flags.jobs} at a time, each in its own process ` +
      `(engine ${flags.backend}, ${threads} thread${threads === '1' ? '' : 's'} each)\n`,
  );
  const controller = stopOnSignals();
  const outcome = await reproduceInProcesses({
    experiment,
    out: flags.out,
    seeds,
    jobs: flags.jobs,
    // This very program (and the loader flags it runs under, e.g. tsx's), one cell per process.
    command: [process.execPath, ...process.execArgv, process.argv[1]],
    argsFor: (seed) => ['run', name, '--seed', String(seed), ...shared],
    signal: controller.signal,
  });
  if (!outcome.summary) process.exitCode = controller.exitStatus;
}

function printSummary(summary: Summary): void {
  process.stdout.write(
    `${summary.title} — preset ${summary.preset}, seeds ${summary.seeds.join(', ')}\n\n${summaryTables(summary)}\n`,
  );
}

/**
 * The `pixsim` command-line program (commander). Usage errors (an unknown command or flag, a missing
 * required flag, a value outside a flag's choices) throw commander's `CommanderError` instead of exiting
 * the process; {@link main} reports them as {@link InvalidOptionError}.
 */
export function createProgram(): Command {
  const program = new Command('pixsim')
    .description(
      "Runs the pixsim paper's experiments over seeds, aggregates mean ± SEM and plots the figures.",
    )
    .version(experimentsVersion(), '-V, --version', 'print the version of @pixsim/experiments')
    .showHelpAfterError()
    // Set before the sub-commands are added, which inherit both settings.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program
    .command('list')
    .description('the shipped experiments and presets')
    .option('--json', 'print the full specs and presets as JSON')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ experiments: EXPERIMENTS, presets: PRESETS }, null, 2)}\n`);
        return;
      }
      process.stdout.write('experiments:\n');
      for (const s of Object.values(EXPERIMENTS)) process.stdout.write(`  ${s.id.padEnd(22)} ${s.title}\n`);
      process.stdout.write('presets:\n');
      for (const p of Object.values(PRESETS))
        process.stdout.write(`  ${p.name.padEnd(22)} ${p.description}\n`);
    });
  engineOptions(program.command('run <experiment>'))
    .description('one cell: train, evaluate, write <out>/<experiment>/<preset>/seed-<S>/result.json')
    .requiredOption('-s, --seed <seed>', 'seed of the cell', parseSeed)
    .action(async (name: string, flags: EngineFlags & { seed: number }) => {
      const { common, interruptedStatus } = await prepare(name, flags);
      const outcome = await runCell({ ...common, seed: flags.seed });
      if (outcome.status === 'skipped') process.stderr.write(`${outcome.dir}: finished earlier, skipped\n`);
      if (outcome.status === 'interrupted') process.exitCode = interruptedStatus();
      else process.stdout.write(`${join(outcome.dir, 'result.json')}\n`);
    });
  engineOptions(program.command('reproduce <experiment>'))
    .description('every seed, then aggregate and plot')
    .option('--seeds <list>', "seeds, e.g. 1-3 or 1,2 (default: the preset's)", parseSeeds)
    .option(
      '--jobs <n>',
      'cells at once, each in a process of its own (with --threads auto: cores ÷ jobs wasm threads each); same results',
      jobsFlag,
      1,
    )
    .action(async (name: string, flags: EngineFlags & { seeds?: number[]; jobs: number }) => {
      if (flags.jobs > 1) {
        await reproduceByJobs(name, flags);
        return;
      }
      const { experiment, common, interruptedStatus } = await prepare(name, flags);
      const outcome = await reproduce({ ...common, seeds: flags.seeds ?? experiment.preset.seeds });
      if (!outcome.summary) process.exitCode = interruptedStatus();
    });
  program
    .command('aggregate <dir>')
    .description('summary.json and summary.csv of <out>/<experiment>/<preset>')
    .action((dir: string) => {
      printSummary(aggregateDir(dir));
    });
  program
    .command('plot <dir>')
    .description('<experiment>.svg and .png of <out>/<experiment>/<preset> (aggregates first if needed)')
    .action(async (dir: string) => {
      const summary = readJsonIfExists<Summary>(join(dir, 'summary.json')) ?? aggregateDir(dir);
      const files = await renderFigure(summary, dir);
      process.stdout.write(`${files.png}\n${files.svg}\n`);
    });
  addSweepCommands(program, engineOptions);
  addDataCommands(program);
  program
    .command('report <dir>')
    .description('one Markdown page with every figure and table under <dir>')
    .action((dir: string) => {
      process.stdout.write(`${writeReport(dir).path}\n`);
    });
  return program;
}

/**
 * A usage error of commander (unknown command or flag, missing argument, a value outside the choices) as
 * an {@link InvalidOptionError} naming the fix; `null` for `--help` / `--version`, which end normally.
 */
function usageError(error: CommanderError): InvalidOptionError | null {
  if (error.exitCode === 0) return null;
  // One line: commander puts its suggestion ("Did you mean run?") on a line of its own.
  const text =
    error.code === 'commander.help'
      ? 'no command given'
      : error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return new InvalidOptionError(
    'argv',
    `${text}${/[.)]$/.test(text) ? '' : '.'} Run 'pixsim help' or 'pixsim help <command>' for the commands and flags.`,
  );
}

/**
 * A typed error of any `@pixsim` package (a missing dataset file, a bad model input…): each package brands
 * its errors with a registered symbol named after the package, so this holds across copies of a package.
 */
function isPixsimError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== 'string') return false;
  return Object.getOwnPropertySymbols(error).some(
    (s) => s.description?.startsWith('@pixsim/') && (error as unknown as Record<symbol, unknown>)[s] === true,
  );
}

/**
 * Runs the CLI on `argv`; typed errors, usage errors included, are printed as one line with their code
 * (after the help of the command, for usage errors), exit status 2.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await createProgram().parseAsync([...argv]);
  } catch (caught) {
    const error = caught instanceof CommanderError ? usageError(caught) : caught;
    if (error === null) return;
    if (ExperimentsError.is(error) || isPixsimError(error)) {
      process.stderr.write(`pixsim: ${error.code}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
