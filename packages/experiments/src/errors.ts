import { PixsimError, type PixsimErrorOptions, UnknownDatasetError } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/experiments';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidOptionError,
  UnknownDatasetError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/experiments` throws. */
export type ExperimentsErrorCode =
  | 'INVALID_SPEC'
  | 'UNKNOWN_DATASET'
  | 'UNKNOWN_EXPERIMENT'
  | 'UNKNOWN_PRESET'
  | 'INVALID_PRESET'
  | 'SPEC_HASH_MISMATCH'
  | 'NO_RESULTS'
  | 'DATA_NOT_FOUND'
  | 'INVALID_OPTION'
  | 'UNKNOWN_EMIT_TARGET'
  | 'CELL_LOCKED'
  | 'SCHEDULER_NOT_FOUND'
  | 'SUBMIT_FAILED'
  | 'SWEEP_STILL_QUEUED'
  | 'WAIT_TIMEOUT'
  | 'CELL_PROCESS_FAILED'
  | 'TUNE_METRIC_UNSUPPORTED'
  | 'NO_TUNED_PAIR'
  | 'TUNE_SEED_OVERLAP';

/**
 * Base class of every error thrown by `@pixsim/experiments`. `code` is stable and safe to switch on;
 * the message names the problem and the fix. Use {@link ExperimentsError.isInstance} rather than
 * `instanceof` when two copies of the package may be loaded (e.g. ESM and CJS builds).
 */
export class ExperimentsError extends PixsimError<ExperimentsErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: ExperimentsErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link ExperimentsError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is ExperimentsError {
    return ExperimentsError.isInstance(error);
  }
}

/** A field of an experiment spec is missing, of the wrong type or out of range (α < 0, Th ∉ (0, 1), bad ε grid…). */
export class InvalidSpecError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/InvalidSpecError';
  /** Dotted path of the faulty field, e.g. `'regularization.alpha'`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;

  constructor(field: string, value: unknown, message: string) {
    super('INVALID_SPEC', message);
    this.field = field;
    this.value = value;
  }
}

/** The {@link UnknownDatasetError} for a spec or command naming a data set pixsim cannot load. */
export function unknownDatasetError(
  field: string,
  dataset: unknown,
  known: readonly string[],
): UnknownDatasetError {
  return new UnknownDatasetError(
    PACKAGE,
    `${field}: unknown data set ${JSON.stringify(dataset)}; use one of ${known.map((k) => `'${k}'`).join(', ')}.`,
    { field, dataset, known },
  );
}

/** No shipped experiment has this id (and it is not a spec file). */
export class UnknownExperimentError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/UnknownExperimentError';
  readonly experiment: string;
  readonly known: readonly string[];

  constructor(experiment: string, known: readonly string[]) {
    super(
      'UNKNOWN_EXPERIMENT',
      `Unknown experiment '${experiment}'. Shipped: ${known.join(', ')}; or pass the path of a spec JSON file ` +
        '(see `pixsim list --json` for the format).',
    );
    this.experiment = experiment;
    this.known = known;
  }
}

/** No preset has this name. */
export class UnknownPresetError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/UnknownPresetError';
  readonly preset: string;
  readonly known: readonly string[];

  constructor(preset: string, known: readonly string[]) {
    super(
      'UNKNOWN_PRESET',
      `Unknown preset '${preset}'. Known presets: ${known.join(', ')}; or pass the path of a preset JSON file.`,
    );
    this.preset = preset;
    this.known = known;
  }
}

/** A preset is malformed, or tries to change a scientific setting (α, Th, data sets, grids) instead of the scale. */
export class InvalidPresetError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/InvalidPresetError';
  readonly preset: string;
  readonly field: string;

  constructor(preset: string, field: string, message: string) {
    super('INVALID_PRESET', message);
    this.preset = preset;
    this.field = field;
  }
}

/** Results of different specs (different spec hashes) were about to be mixed, or a cell folder holds another spec. */
export class SpecHashMismatchError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/SpecHashMismatchError';
  readonly expected: string;
  readonly found: string;
  readonly where: string;

  constructor(expected: string, found: string, where: string, fix: string) {
    super(
      'SPEC_HASH_MISMATCH',
      `${where}: spec hash ${found} differs from ${expected}; results of different specs are never mixed. ${fix}`,
    );
    this.expected = expected;
    this.found = found;
    this.where = where;
  }
}

/** A folder that should hold results holds none. */
export class NoResultsError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/NoResultsError';
  readonly dir: string;

  constructor(dir: string, message: string) {
    super('NO_RESULTS', message);
    this.dir = dir;
  }
}

/** A data set's files are not where the run looked. */
export class DataNotFoundError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/DataNotFoundError';
  readonly dataset: string;

  constructor(dataset: string, message: string) {
    super('DATA_NOT_FOUND', message);
    this.dataset = dataset;
  }
}

/** `pixsim sweep --emit` names a target pixsim cannot write. */
export class UnknownEmitTargetError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/UnknownEmitTargetError';
  readonly target: string;
  readonly known: readonly string[];

  constructor(target: string, known: readonly string[]) {
    super(
      'UNKNOWN_EMIT_TARGET',
      `--emit: unknown target '${target}'; use one of ${known.map((k) => `'${k}'`).join(', ')}.`,
    );
    this.target = target;
    this.known = known;
  }
}

/** Who holds a cell's lock, as recorded in its lock file. */
export interface LockHolder {
  host: string;
  pid: number;
  startedAt: string;
  /** `<array job>_<task>` or the job id, when the holder runs under Slurm. */
  slurmJob?: string;
}

/** Another live process (on this host or another node) is running the same cell. */
export class CellLockedError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/CellLockedError';
  readonly dir: string;
  readonly lockFile: string;
  readonly holder: LockHolder;

  constructor(dir: string, lockFile: string, holder: LockHolder) {
    const job = holder.slurmJob ? `, Slurm job ${holder.slurmJob}` : '';
    super(
      'CELL_LOCKED',
      `${dir} is being run by pid ${holder.pid} on ${holder.host}${job} since ${holder.startedAt}. ` +
        `Wait for it (\`pixsim status\` shows it), or, if that process is known to be dead, delete ${lockFile}.`,
    );
    this.dir = dir;
    this.lockFile = lockFile;
    this.holder = holder;
  }
}

/** A scheduler command (`sbatch`, `squeue`) is not on the PATH. */
export class SchedulerNotFoundError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/SchedulerNotFoundError';
  readonly command: string;

  constructor(command: string) {
    super(
      'SCHEDULER_NOT_FOUND',
      `${command} is not on the PATH: run \`pixsim sweep --submit\` on a Slurm login node (or load the ` +
        `Slurm module), or drop --submit and pass the written script to ${command} yourself.`,
    );
    this.command = command;
  }
}

/** The scheduler refused a submission. */
export class SubmitFailedError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/SubmitFailedError';
  readonly command: readonly string[];
  readonly status: number | null;
  readonly stderr: string;

  constructor(command: readonly string[], status: number | null, stderr: string) {
    super(
      'SUBMIT_FAILED',
      `${command.join(' ')} failed (exit status ${status}): ${stderr.trim() || 'no message'}. ` +
        'Check the partition, time limit and resources (--partition, --time, --cpus, --mem).',
    );
    this.command = command;
    this.status = status;
    this.stderr = stderr;
  }
}

/** An earlier submission of the same sweep still has tasks in the queue. */
export class SweepStillQueuedError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/SweepStillQueuedError';
  readonly sweep: string;
  readonly jobs: readonly string[];

  constructor(sweep: string, jobs: readonly string[]) {
    super(
      'SWEEP_STILL_QUEUED',
      `sweep ${sweep}: job${jobs.length === 1 ? '' : 's'} ${jobs.join(', ')} of an earlier submission ` +
        'are still queued or running; wait for them (squeue) or scancel them, then submit again.',
    );
    this.sweep = sweep;
    this.jobs = jobs;
  }
}

/** `pixsim status --wait` gave up before every cell of the sweep was done. */
export class WaitTimeoutError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/WaitTimeoutError';
  readonly dir: string;
  readonly seconds: number;
  readonly unfinished: readonly string[];

  constructor(dir: string, seconds: number, unfinished: readonly string[]) {
    super(
      'WAIT_TIMEOUT',
      `${dir}: ${unfinished.length} cell(s) not done after ${seconds} s: ${unfinished.slice(0, 8).join(', ')}` +
        `${unfinished.length > 8 ? ', …' : ''}. \`pixsim status ${dir}\` shows why.`,
    );
    this.dir = dir;
    this.seconds = seconds;
    this.unfinished = unfinished;
  }
}

/** What one failed cell process of `pixsim reproduce --jobs N` reported. */
export interface FailedCellProcess {
  /** The cell's seed. */
  seed: number;
  /** Its exit status, or null when a signal ended it. */
  status: number | null;
  /** The signal that ended it, if one did. */
  signal: string | null;
  /** Its last line of standard error (the typed error it printed, or the crash). */
  lastError: string;
}

/**
 * A cell of `pixsim reproduce --jobs N` (run in a process of its own) failed; the other cells ran to their end,
 * and nothing was aggregated.
 */
export class CellProcessFailedError extends ExperimentsError {
  static override readonly marker: string = '@pixsim/experiments/CellProcessFailedError';
  /** `<out>/<experiment>/<preset>`. */
  readonly dir: string;
  /** Each failed cell. */
  readonly failed: readonly FailedCellProcess[];

  constructor(dir: string, failed: readonly FailedCellProcess[]) {
    const what = failed
      .map(
        (f) =>
          `seed ${f.seed} (${f.signal ? `killed by ${f.signal}` : `exit status ${f.status}`}${f.lastError ? `: ${f.lastError}` : ''})`,
      )
      .join('; ');
    super(
      'CELL_PROCESS_FAILED',
      `${dir}: ${failed.length} cell process${failed.length === 1 ? '' : 'es'} failed: ${what}. ` +
        `\`pixsim status ${dir}\` shows the recorded failures; fix the cause and run the same command again ` +
        '(finished cells are skipped).',
    );
    this.dir = dir;
    this.failed = failed;
  }
}
