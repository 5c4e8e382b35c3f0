import { statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CacheFolderError } from './errors';

/** System error codes that mean the folder (not the network, not the file's content) is the problem. */
const FOLDER_FAULTS = new Set([
  'ENOTDIR',
  'EEXIST',
  'ENOENT',
  'EROFS',
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
]);

/** The nearest existing path at or above `path` that is not a folder (the file in the way), if any. */
function fileInTheWay(path: string): string | null {
  let at = path;
  for (;;) {
    try {
      return statSync(at).isDirectory() ? null : at;
    } catch {
      const up = dirname(at);
      if (up === at) return null;
      at = up;
    }
  }
}

function why(path: string, code: string): string {
  const blocker = code === 'ENOTDIR' || code === 'EEXIST' ? fileInTheWay(path) : null;
  if (blocker === path) return `${path} is a file, not a folder`;
  if (blocker) return `${path} lies under ${blocker}, which is a file, not a folder`;
  switch (code) {
    case 'EROFS':
      return `${path} is on a read-only file system`;
    case 'EACCES':
    case 'EPERM':
      return `this process may not create or write files in ${path}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk (or quota) of ${path} is full`;
    case 'ENOENT':
      return `the file system does not allow a folder at ${path}`;
    default:
      return `${path} cannot be used`;
  }
}

/**
 * The {@link CacheFolderError} for a file-system error met while creating or writing in the cache folder
 * `path`, or `null` when `error` is not such a fault (a network error, a bug): the caller rethrows it.
 */
export function cacheFolderError(path: string, error: unknown): CacheFolderError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !FOLDER_FAULTS.has(code)) return null;
  return new CacheFolderError(
    path,
    code,
    `download: the cache folder ${path} cannot be used: ${why(path, code)} (${code}). ` +
      'Use a writable folder as the cache (the cacheDir option of download(); for the pixsim CLI: --dir, ' +
      'PIXSIM_DATA_DIR or PIXSIM_CACHE_DIR).',
  );
}

/**
 * Creates the cache folder `dir` and its missing parents, one level at a time; a folder that cannot be
 * made is a {@link CacheFolderError}. Not `mkdir(dir, { recursive: true })`: where the file system
 * allows no folder (`/proc`) it loops forever, and on a read-only one it reports `ENOENT`, not `EROFS`.
 */
export async function ensureCacheFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; ) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => error);
    if (!(found instanceof Error)) {
      if (found.isDirectory()) break;
      throw cacheFolderError(dir, { code: at === resolve(dir) ? 'EEXIST' : 'ENOTDIR' });
    }
    if (found.code !== 'ENOENT') throw cacheFolderError(dir, found) ?? found;
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      // Another process may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(path)).isDirectory()) continue;
      throw cacheFolderError(dir, error) ?? error;
    }
  }
}
