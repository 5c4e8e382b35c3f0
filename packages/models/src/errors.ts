import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/models';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidOptionError,
  UnsupportedModelError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/models` throws. */
export type ModelErrorCode =
  | 'INVALID_OPTION'
  | 'UNKNOWN_TAP'
  | 'UNSUPPORTED_MODEL'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CORRUPT_CHECKPOINT'
  | 'TRUNCATED_WEIGHTS'
  | 'ARCHITECTURE_MISMATCH'
  | 'OPTIMIZER_MISMATCH'
  | 'INVALID_METADATA'
  | 'CHECKPOINT_WRITE';

/**
 * Base class of every error thrown by `@pixsim/models`. `code` is stable and safe to switch on; the
 * message names the problem and the fix.
 */
export class ModelError extends PixsimError<ModelErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: ModelErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link ModelError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is ModelError {
    return ModelError.isInstance(error);
  }
}

/** A feature tap names no layer of the model, or is requested twice. */
export class UnknownTapError extends ModelError {
  static override readonly marker: string = '@pixsim/models/UnknownTapError';
  constructor(message: string) {
    super('UNKNOWN_TAP', message);
  }
}

/** The checkpoint directory or its `model.json` does not exist. */
export class CheckpointNotFoundError extends ModelError {
  static override readonly marker: string = '@pixsim/models/CheckpointNotFoundError';
  constructor(message: string) {
    super('CHECKPOINT_NOT_FOUND', message);
  }
}

/**
 * A checkpoint file is unreadable: `model.json` is not valid JSON or lacks a required field, a binary
 * file is longer than recorded, or its SHA-256 differs from the one recorded in `model.json`.
 */
export class CorruptCheckpointError extends ModelError {
  static override readonly marker: string = '@pixsim/models/CorruptCheckpointError';
  constructor(message: string) {
    super('CORRUPT_CHECKPOINT', message);
  }
}

/** A binary file of a checkpoint (weights, optimizer state, tensors) is shorter than `model.json` records. */
export class TruncatedWeightsError extends ModelError {
  static override readonly marker: string = '@pixsim/models/TruncatedWeightsError';
  /** The file that is too short. */
  readonly file: string;
  /** Bytes expected (from `model.json`). */
  readonly expectedBytes: number;
  /** Bytes found on disk. */
  readonly actualBytes: number;

  constructor(file: string, expectedBytes: number, actualBytes: number) {
    super(
      'TRUNCATED_WEIGHTS',
      `loadCheckpoint: ${file} holds ${actualBytes} bytes but model.json records ${expectedBytes}; the file ` +
        'was truncated (an interrupted copy, or a full disk). Restore the checkpoint from a complete copy, ' +
        'or load an earlier checkpoint.',
    );
    this.file = file;
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
  }
}

/** A checkpoint was saved from a model of a different architecture than the one it is loaded into. */
export class ArchitectureMismatchError extends ModelError {
  static override readonly marker: string = '@pixsim/models/ArchitectureMismatchError';
  constructor(message: string) {
    super('ARCHITECTURE_MISMATCH', message);
  }
}

/** Optimizer state cannot be restored: missing in the checkpoint, or saved from another optimizer class. */
export class OptimizerMismatchError extends ModelError {
  static override readonly marker: string = '@pixsim/models/OptimizerMismatchError';
  constructor(message: string) {
    super('OPTIMIZER_MISMATCH', message);
  }
}

/** Checkpoint metadata holds a value JSON cannot round-trip exactly (NaN, ±Infinity, undefined, bigint...). */
export class InvalidMetadataError extends ModelError {
  static override readonly marker: string = '@pixsim/models/InvalidMetadataError';
  constructor(message: string) {
    super('INVALID_METADATA', message);
  }
}

/** What each Node error code means for a checkpoint folder, and the fix. */
const WRITE_REASONS: Record<string, string> = {
  EROFS: 'is on a read-only file system; save to a folder on a writable disk',
  EACCES: 'is not writable by this user (permission denied); fix its permissions or choose another folder',
  EPERM:
    'is not writable by this user (operation not permitted); fix its permissions or choose another folder',
  ENOSPC: 'is on a full disk (no space left on device); free some space or save elsewhere',
  EDQUOT: 'is over the disk quota; free some space or save elsewhere',
  ENOTDIR: 'lies under a file, not a folder; remove that file or choose another folder',
  EEXIST: 'is taken by a file where a folder is needed; remove it or choose another folder',
  EISDIR: 'holds a folder where a checkpoint file is needed; remove it',
};

/** Writing a checkpoint failed in the file system (read-only disk, full disk, a file in the way...). */
export class CheckpointWriteError extends ModelError {
  static override readonly marker: string = '@pixsim/models/CheckpointWriteError';
  /** The checkpoint folder. */
  readonly path: string;
  /** The Node error code (`EROFS`, `ENOSPC`, `ENOTDIR`...). */
  readonly reason: string;

  constructor(path: string, reason: string, detail: string) {
    super(
      'CHECKPOINT_WRITE',
      `saveCheckpoint: the checkpoint folder ${path} ${WRITE_REASONS[reason] ?? `cannot be written (${reason})`} ` +
        `[${detail}]. The previous checkpoint there, if any, is intact.`,
    );
    this.path = path;
    this.reason = reason;
  }
}
