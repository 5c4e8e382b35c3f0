import { PixsimError } from '@pixsim/core';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { Summary } from '../aggregate';
import { InvalidOptionError, PACKAGE } from '../errors';
import { EXPERIMENTS } from '../experiments';
import { PRESETS } from '../presets';
import { summaryTables } from '../table';
import {
  type EngineFlags,
  engineOptions,
  jobsFlag,
  loadResolved,
  type PairFlags,
  pairOptions,
  prepare,
  runFlags,
  stopOnSignals,
} from './cli-engine';
import { readJsonIfExists } from './files';
import { renderFigure } from './render';
import { reproduce, reproduceInProcesses } from './reproduce';
import { addDataCommands } from './data-command';
import { aggregateDir } from './results-dir';
import { writeReport } from './report';
import { runCell } from './run-cell';
import { parseSeed, parseSeeds } from './seeds';
import { addSweepCommands } from './sweep/commands';
import { addTuneCommand } from './tune-command';
import { experimentsVersion } from './version';

/**
 * `pixsim reproduce --jobs N`: the cells run as `pixsim run` processes (this program, same flags), N at a time;
 * this process only validates, waits, then aggregates and plots.
 */
async function reproduceByJobs(
  name: string,
  flags: EngineFlags & PairFlags & { seeds?: number[]; jobs: number },
) {
  // Validates the experiment, preset and pair (seeds included) before any process starts.
  const experiment = await loadResolved(name, flags, flags.seeds);
  const seeds = flags.seeds ?? experiment.preset.seeds;
  const threads =
    flags.threads === 'auto'
      ? String(Math.max(1, Math.floor(availableParallelism() / Math.min(flags.jobs, seeds.length))))
      : flags.threads;
  const shared = [
    ...runFlags(flags, threads),
    ...(flags.tuned !== undefined ? ['--tuned', flags.tuned] : []),
    ...(flags.alpha !== undefined ? ['--alpha', String(flags.alpha), '--th', String(flags.th)] : []),
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
  pairOptions(engineOptions(program.command('run <experiment>')))
    .description('one cell: train, evaluate, write <out>/<experiment>/<preset>/seed-<S>/result.json')
    .requiredOption('-s, --seed <seed>', 'seed of the cell', parseSeed)
    .action(async (name: string, flags: EngineFlags & PairFlags & { seed: number }) => {
      const { common, interruptedStatus } = await prepare(name, flags, [flags.seed]);
      const outcome = await runCell({ ...common, seed: flags.seed });
      if (outcome.status === 'skipped') process.stderr.write(`${outcome.dir}: finished earlier, skipped\n`);
      if (outcome.status === 'interrupted') process.exitCode = interruptedStatus();
      else process.stdout.write(`${join(outcome.dir, 'result.json')}\n`);
    });
  pairOptions(engineOptions(program.command('reproduce <experiment>')))
    .description('every seed, then aggregate and plot')
    .option('--seeds <list>', "seeds, e.g. 1-3 or 1,2 (default: the preset's)", parseSeeds)
    .option(
      '--jobs <n>',
      'cells at once, each in a process of its own (with --threads auto: cores ÷ jobs wasm threads each); same results',
      jobsFlag,
      1,
    )
    .action(async (name: string, flags: EngineFlags & PairFlags & { seeds?: number[]; jobs: number }) => {
      if (flags.jobs > 1) {
        await reproduceByJobs(name, flags);
        return;
      }
      const { experiment, common, interruptedStatus } = await prepare(name, flags, flags.seeds);
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
  addTuneCommand(program);
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
    PACKAGE,
    `${text}${/[.)]$/.test(text) ? '' : '.'} Run 'pixsim help' or 'pixsim help <command>' for the commands and flags.`,
    { option: 'argv' },
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
    if (PixsimError.isInstance(error)) {
      process.stderr.write(`pixsim: ${error.code}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
