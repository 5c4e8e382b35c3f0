import { describeValue } from '@pixsim/core';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { PACKAGE, InvalidOptionError, MissingFileError, TruncatedFileError } from './errors';

/**
 * Reads a whole file; a missing file (or a folder in its place, or a file in place of a folder on its
 * path) is a {@link MissingFileError} whose message gives `fix`.
 */
export async function readFileOrThrow(path: string, fix: string): Promise<Buffer> {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidOptionError(
      PACKAGE,
      `the path of a file is required, got ${describeValue(path)}. ${fix}`,
    );
  }
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MissingFileError(`${path} does not exist. ${fix}`);
    if (code === 'EISDIR') throw new MissingFileError(`${path} is a folder, not a file. ${fix}`);
    if (code === 'ENOTDIR') {
      throw new MissingFileError(`${path} lies under a file, not a folder, so it does not exist. ${fix}`);
    }
    throw error;
  }
}

/** True when `buffer` starts with the gzip magic `1f 8b`. */
export function isGzip(buffer: Uint8Array): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Gunzips `buffer` (read from `path`); a truncated or corrupt stream is a {@link TruncatedFileError}. */
export function gunzipFile(buffer: Buffer, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(buffer, (error, out) => {
      if (error) {
        reject(
          new TruncatedFileError(
            `${path}: the gzip stream is truncated or corrupt (${error.message}). ` +
              'Download the file again (download() verifies its checksum).',
          ),
        );
      } else resolve(out);
    });
  });
}

/** Writes `data` to `path` atomically: a temporary file beside it, then a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
