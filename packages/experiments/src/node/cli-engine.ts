import type { EvaluationEngine } from '@pixsim/onnx';
import { type BackendPreference, initBackend } from '@pixsim/backend/node';
import { type Command, Option } from 'commander';
import { PACKAGE, InvalidOptionError } from '../errors';
import { PRESETS } from '../presets';
import { type ResolvedExperiment, resolveExperiment } from '../resolve';
import { loadExperiment, loadPreset } from './load';
import type { RunCellOptions } from './run-cell';
import { type PairChoice, tunedSpec } from './tuned';

/** The flags every command that runs cells takes. */
export interface EngineFlags {
  backend: BackendPreference;
  threads: string;
  dataDir?: string;
  imagenet?: string;
  /** `--no-imagenet-sample`: false. */
  imagenetSample?: boolean;
  preset: string;
  out: string;
  evalEngine: EvaluationEngine;
}

/** Parses `--threads` (an {@link InvalidOptionError}, like every bad flag, when it is not 1–8 or auto). */
export function threadsOf(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 8) {
    throw new InvalidOptionError(PACKAGE, `--threads: '${text}' is not 1–8 or auto; pass e.g. --threads 2.`, {
      option: 'threads',
    });
  }
  return n;
}

/** Parses `--jobs` (cells at once in `pixsim reproduce`): an integer 1–64. */
export function jobsFlag(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64) {
    throw new InvalidOptionError(
      PACKAGE,
      `--jobs: '${text}' is not an integer 1–64; pass e.g. --jobs 2 (one cell per core, each on one wasm thread).`,
      { option: 'jobs' },
    );
  }
  return n;
}

/** `--threads` checked while the flags are parsed, before any experiment is loaded. */
function threadsFlag(text: string): string {
  threadsOf(text);
  return text;
}

/** Adds the flags of {@link EngineFlags} to a command. */
export function engineOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      '-p, --preset <preset>',
      `preset name (${Object.keys(PRESETS).join(', ')}) or preset JSON file`,
    )
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
      'ImageNet training images (<class>/<image>); presets that allow a stand-in (all but paper) fall back to the ImageNet sample (imagenet-sample-1000), else Tiny-ImageNet',
    )
    .option(
      '--no-imagenet-sample',
      'without --imagenet: the Tiny-ImageNet stand-in even where the ImageNet sample is found',
    );
}

/** `--tuned` / `--alpha` / `--th` of `run` and `reproduce`. */
export interface PairFlags {
  tuned?: string;
  alpha?: number;
  th?: number;
}

/** Parses a number flag (`--alpha 3`, `--th 0.4`). */
export function numberFlag(name: string): (text: string) => number {
  return (text) => {
    if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(text.trim())) {
      throw new InvalidOptionError(
        PACKAGE,
        `--${name}: '${text}' is not a number ≥ 0; pass e.g. --${name} ${name === 'th' ? '0.4' : '3'}.`,
        { option: name },
      );
    }
    return Number(text);
  };
}

/** Adds `--tuned`, `--alpha` and `--th` to a command. */
export function pairOptions(cmd: Command): Command {
  return cmd
    .option(
      '--tuned <dir>',
      "the (α, Th) 'pixsim tune' selected (its folder or tune.json); seeds must be others",
    )
    .option('--alpha <n>', "α instead of the experiment's (with --th)", numberFlag('alpha'))
    .option('--th <n>', "Th instead of the experiment's (with --alpha)", numberFlag('th'));
}

/** The pair a command was given, or null for the experiment's own. */
export function pairChoice(flags: PairFlags): PairChoice | null {
  const given = flags.alpha !== undefined || flags.th !== undefined;
  if (flags.tuned !== undefined && given)
    throw new InvalidOptionError(
      PACKAGE,
      '--tuned gives α and Th; pass either --tuned or --alpha with --th.',
      { option: 'tuned' },
    );
  if (flags.tuned !== undefined) return { tuned: flags.tuned };
  if (!given) return null;
  if (flags.alpha === undefined || flags.th === undefined)
    throw new InvalidOptionError(PACKAGE, 'pass --alpha and --th together.', {
      option: flags.alpha === undefined ? 'alpha' : 'th',
    });
  return { alpha: flags.alpha, th: flags.th };
}

/**
 * The experiment of a command at its preset, with the pair of `--tuned` / `--alpha --th` when given (checked
 * against `seeds`, default the preset's: a tuned pair is never reproduced on the seeds that chose it).
 */
export async function loadResolved(
  experimentArg: string,
  flags: { preset: string } & PairFlags,
  seeds?: readonly number[],
): Promise<ResolvedExperiment> {
  const spec = await loadExperiment(experimentArg);
  const preset = await loadPreset(flags.preset);
  const choice = pairChoice(flags);
  return resolveExperiment(choice ? tunedSpec(spec, choice, seeds ?? preset.seeds) : spec, preset);
}

/** What {@link prepare} returns. */
export interface Prepared {
  experiment: ResolvedExperiment;
  /** `runCell`'s options but the seed. */
  common: Omit<RunCellOptions, 'seed'>;
  /** Exit status of an interrupted run: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
  interruptedStatus: () => number;
}

/** Resolves the experiment, starts the engine and the signal handlers: what a command that runs cells needs. */
export async function prepare(
  experimentArg: string,
  flags: EngineFlags & PairFlags,
  seeds?: readonly number[],
): Promise<Prepared> {
  const experiment = await loadResolved(experimentArg, flags, seeds);
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
      imagenetSample: flags.imagenetSample,
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
export function stopOnSignals(): AbortController & { exitStatus: number } {
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

/** The engine flags a cell process (`pixsim run`) is started with, `threads` resolved. */
export function runFlags(flags: EngineFlags, threads: string): string[] {
  return [
    ...['--preset', flags.preset, '--out', flags.out, '--backend', flags.backend],
    ...['--threads', threads, '--eval-engine', flags.evalEngine],
    ...(flags.dataDir ? ['--data-dir', flags.dataDir] : []),
    ...(flags.imagenet ? ['--imagenet', flags.imagenet] : []),
    ...(flags.imagenetSample === false ? ['--no-imagenet-sample'] : []),
  ];
}
