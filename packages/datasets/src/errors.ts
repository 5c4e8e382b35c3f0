import { PixsimError, type PixsimErrorOptions } from '@pixsim/core';

/** The package every error below names as its `package`. */
export const PACKAGE = '@pixsim/datasets';

/** The faults several packages report alike are one class each, in `@pixsim/core`. */
export {
  InvalidOptionError,
  MissingPackageError,
  UnknownDatasetError,
} from '@pixsim/core';

/** Machine-readable codes of every error `@pixsim/datasets` throws. */
export type DatasetErrorCode =
  | 'TRUNCATED_FILE'
  | 'BAD_MAGIC'
  | 'BAD_FORMAT'
  | 'COUNT_MISMATCH'
  | 'MISSING_FILE'
  | 'MISSING_PACKAGE'
  | 'EMPTY_FOLDER'
  | 'DECODE_FAILED'
  | 'SIZE_MISMATCH'
  | 'UNKNOWN_DATASET'
  | 'INVALID_OPTION'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'DOWNLOAD_INTERRUPTED'
  | 'DOWNLOAD_TIMEOUT'
  | 'OFFLINE'
  | 'CACHE_FOLDER_UNUSABLE';

/**
 * Base class of every error thrown by `@pixsim/datasets`. `code` is stable and safe to switch on; the
 * message names the file (where there is one), the problem and the fix.
 */
export class DatasetError extends PixsimError<DatasetErrorCode> {
  static override readonly marker: string = PACKAGE;

  constructor(code: DatasetErrorCode, message: string, options?: PixsimErrorOptions) {
    super(PACKAGE, code, message, options);
  }

  /** @deprecated Use {@link DatasetError.isInstance}, the guard every `@pixsim` error class has; `is` stays for existing callers. */
  static is(error: unknown): error is DatasetError {
    return DatasetError.isInstance(error);
  }
}

/** A file ends before the data its header (or its record size) promises. */
export class TruncatedFileError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/TruncatedFileError';
  constructor(message: string) {
    super('TRUNCATED_FILE', message);
  }
}

/** A file does not start with the magic number of the expected format (e.g. IDX `0x00000803`). */
export class BadMagicError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/BadMagicError';
  constructor(message: string) {
    super('BAD_MAGIC', message);
  }
}

/** A file has the right magic but impossible content (trailing bytes, label out of range, bad archive). */
export class BadFormatError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/BadFormatError';
  constructor(message: string) {
    super('BAD_FORMAT', message);
  }
}

/** Images and labels of one split disagree in number. */
export class CountMismatchError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/CountMismatchError';
  constructor(message: string) {
    super('COUNT_MISMATCH', message);
  }
}

/** A file or folder the loader needs is not there. */
export class MissingFileError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/MissingFileError';
  constructor(message: string) {
    super('MISSING_FILE', message);
  }
}

/** An image folder holds no class sub-folder, or no image file in them. */
export class EmptyFolderError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/EmptyFolderError';
  constructor(message: string) {
    super('EMPTY_FOLDER', message);
  }
}

/** `sharp` could not decode an image file. */
export class DecodeError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/DecodeError';
  constructor(message: string) {
    super('DECODE_FAILED', message);
  }
}

/** Images of one folder decode to different sizes and no resize / crop was asked for. */
export class SizeMismatchError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/SizeMismatchError';
  constructor(message: string) {
    super('SIZE_MISMATCH', message);
  }
}

/** A downloaded (or cached) file does not have the published SHA-256 / MD5. */
export class ChecksumMismatchError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/ChecksumMismatchError';
  constructor(message: string) {
    super('CHECKSUM_MISMATCH', message);
  }
}

/** The server answered with an error status, or could not be reached. */
export class DownloadFailedError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/DownloadFailedError';
  constructor(message: string) {
    super('DOWNLOAD_FAILED', message);
  }
}

/** The connection dropped before the whole file arrived; the bytes received are kept for resuming. */
export class DownloadInterruptedError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/DownloadInterruptedError';
  constructor(message: string) {
    super('DOWNLOAD_INTERRUPTED', message);
  }
}

/** Offline mode is on and a file is not in the cache yet. */
export class OfflineError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/OfflineError';
  constructor(message: string) {
    super('OFFLINE', message);
  }
}

/**
 * A download ran out of time: no data for `timeoutMs` on every attempt (`idle`), or the whole file took
 * longer than `deadlineMs` (`deadline`). The bytes received are kept for resuming.
 */
export class DownloadTimeoutError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/DownloadTimeoutError';
  /** The URL that was too slow. */
  readonly url: string;
  /** Which limit was hit. */
  readonly kind: 'idle' | 'deadline';

  constructor(url: string, kind: 'idle' | 'deadline', message: string) {
    super('DOWNLOAD_TIMEOUT', message);
    this.url = url;
    this.kind = kind;
  }
}

/**
 * A download cache folder cannot be used: it cannot be created (a file is in the way, or the file system
 * allows no folder there) or nothing can be written in it (read-only file system, no permission, disk
 * full). `path` is the folder; `reason` the system's error code (`ENOTDIR`, `EROFS`, `EACCES`, …).
 */
export class CacheFolderError extends DatasetError {
  static override readonly marker: string = '@pixsim/datasets/CacheFolderError';
  /** The folder that cannot be used. */
  readonly path: string;
  /** The system error code behind it (`ENOTDIR`, `EEXIST`, `EROFS`, `EACCES`, `EPERM`, `ENOENT`, `ENOSPC`, …). */
  readonly reason: string;

  constructor(path: string, reason: string, message: string) {
    super('CACHE_FOLDER_UNUSABLE', message);
    this.path = path;
    this.reason = reason;
  }
}
