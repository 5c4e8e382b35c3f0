import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UnwritablePathError } from './errors';

/** What each Node error code means for a location, and the fix. */
const REASONS: Record<string, string> = {
  EROFS: 'is on a read-only file system; choose a folder on a writable disk',
  EACCES: 'is not writable by this user (permission denied); fix its permissions or choose another folder',
  EPERM:
    'is not writable by this user (operation not permitted); fix its permissions or choose another folder',
  ENOSPC: 'is on a full disk (no space left on device); free some space or choose another disk',
  EDQUOT: 'is over the disk quota; free some space or choose another disk',
  ENOTDIR: 'lies under a file, not a folder; remove that file or choose another path',
  EEXIST: 'is taken by a file where a folder is needed; remove it or choose another path',
  EISDIR: 'is a folder where a file is needed; choose a file name',
};

function fail(fn: string, what: string, path: string, code: string): never {
  const reason = REASONS[code] ?? `cannot be written (${code})`;
  throw new UnwritablePathError(path, code, `${fn}: the ${what} ${path} ${reason}.`);
}

/** The Node error code of `error`, or rethrows a non-system error. */
function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') throw error;
  return code;
}

/**
 * Makes sure folder `dir` exists and a file can be created in it: creates it, writes and removes a
 * probe file. Throws {@link UnwritablePathError} naming the path, the cause and the fix.
 */
export function assertWritableFolder(fn: string, what: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    fail(fn, what, dir, codeOf(error));
  }
  if (!statSync(dir).isDirectory()) fail(fn, what, dir, 'EEXIST');
  const probe = join(dir, `.pixsim-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'probe');
  } catch (error) {
    fail(fn, what, dir, codeOf(error));
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Makes sure `file` can be (re)written: its folder is writable and `file` is not a folder. Also
 * removes temporary files (`<file>.tmp-*`) that a killed write left behind.
 */
export function assertWritableFile(fn: string, what: string, file: string): void {
  assertWritableFolder(fn, `folder of the ${what}`, dirname(file));
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') fail(fn, what, file, codeOf(error));
  }
  if (isDir) fail(fn, what, file, 'EISDIR');
  removeStaleTemporaries(dirname(file), `${basename(file)}.tmp-`);
}

/** Removes the files of `dir` whose names start with `prefix` (leftovers of killed writes). */
export function removeStaleTemporaries(dir: string, prefix: string): void {
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(prefix)) rmSync(join(dir, entry), { force: true });
  }
}
