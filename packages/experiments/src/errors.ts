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
  | 'INVALID_OPTION';

/** Marks our errors so {@link ExperimentsError.isInstance} recognises them across two copies of the package. */
const BRAND = Symbol.for('@pixsim/experiments/error');

/**
 * Base class of every error thrown by `@pixsim/experiments`. `code` is stable and safe to switch on;
 * the message names the problem and the fix. Use {@link ExperimentsError.isInstance} rather than
 * `instanceof` when two copies of the package may be loaded (e.g. ESM and CJS builds).
 */
export class ExperimentsError extends Error {
  readonly code: ExperimentsErrorCode;
  readonly [BRAND] = true;

  constructor(code: ExperimentsErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }

  /** True for any error thrown by any copy of `@pixsim/experiments` (optionally of one `code`). */
  static isInstance(value: unknown, code?: ExperimentsErrorCode): value is ExperimentsError {
    if (typeof value !== 'object' || value === null) return false;
    const branded = (value as { [BRAND]?: unknown })[BRAND] === true;
    return branded && (code === undefined || (value as ExperimentsError).code === code);
  }
}

/** A field of an experiment spec is missing, of the wrong type or out of range (α < 0, Th ∉ (0, 1), bad ε grid…). */
export class InvalidSpecError extends ExperimentsError {
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

/** A spec names a data set pixsim cannot load. */
export class UnknownDatasetError extends ExperimentsError {
  readonly field: string;
  readonly dataset: unknown;
  readonly known: readonly string[];

  constructor(field: string, dataset: unknown, known: readonly string[]) {
    super(
      'UNKNOWN_DATASET',
      `${field}: unknown data set ${JSON.stringify(dataset)}; use one of ${known.map((k) => `'${k}'`).join(', ')}.`,
    );
    this.field = field;
    this.dataset = dataset;
    this.known = known;
  }
}

/** No shipped experiment has this id (and it is not a spec file). */
export class UnknownExperimentError extends ExperimentsError {
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
  readonly dir: string;

  constructor(dir: string, message: string) {
    super('NO_RESULTS', message);
    this.dir = dir;
  }
}

/** A data set's files are not where the run looked. */
export class DataNotFoundError extends ExperimentsError {
  readonly dataset: string;

  constructor(dataset: string, message: string) {
    super('DATA_NOT_FOUND', message);
    this.dataset = dataset;
  }
}

/** A command-line or API option is invalid (bad seed list, unknown backend, …). */
export class InvalidOptionError extends ExperimentsError {
  readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTION', message);
    this.option = option;
  }
}
