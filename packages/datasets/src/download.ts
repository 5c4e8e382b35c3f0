import { describeValue } from '@pixsim/core';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheFolderError, ensureCacheFolder } from './cache-folder';
import { attempt, LockLostFault, sizeOf } from './download-attempt';
import { acquireDownloadLock, LOCK_STALE_MS } from './download-lock';
import {
  PACKAGE,
  ChecksumMismatchError,
  DownloadInterruptedError,
  DownloadTimeoutError,
  InvalidOptionError,
  OfflineError,
} from './errors';
import { assertOptionsObject } from './describe';
import {
  assertDownloadFields,
  assertHttpUrl,
  assertRemoteFile,
  assertSource,
  downloadLimits,
  TimeoutFault,
} from './download-options';
import { type DatasetSource, datasetSource, type RemoteFile } from './sources';

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Cache folder; files go to `<cacheDir>/<name>/<file>`. */
  cacheDir: string;
  /**
   * Never touch the network: return the files if they are in the cache (checksums verified), else throw
   * an {@link OfflineError} saying where to put them. Default: `true` when `PIXSIM_OFFLINE=1`.
   */
  offline?: boolean;
  /** Base URL of a mirror holding the same file names (replaces each file's folder URL). */
  mirror?: string;
  /** Further attempts after a dropped connection, each resuming where the last stopped. Default 3. */
  retries?: number;
  /** Idle timeout in ms: an attempt with no data for this long is dropped (and retried). Default 60,000. */
  timeoutMs?: number;
  /**
   * Overall time limit in ms for one file, all attempts together; a server that trickles bytes slower
   * than the idle timeout cannot hold the download longer than this. Default 3,600,000 (1 h).
   */
  deadlineMs?: number;
  /** Progress callback: bytes of `file` on disk so far, and its total when the server says. */
  onProgress?: (file: string, bytes: number, total: number | null) => void;
}

/** Where the files of a downloaded data set are. */
export interface DownloadResult {
  /** The folder holding the files: pass it to `mnist({ dir })`, `cifar10(dir)`, … */
  dir: string;
  /** Path of each file, by file name. */
  files: Record<string, string>;
}

async function hashFile(path: string, algorithm: 'sha256' | 'md5'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function expected(file: RemoteFile): { algorithm: 'sha256' | 'md5'; digest: string } {
  if (file.sha256) return { algorithm: 'sha256', digest: file.sha256.toLowerCase() };
  if (file.md5) return { algorithm: 'md5', digest: file.md5.toLowerCase() };
  throw new InvalidOptionError(
    PACKAGE,
    `download: ${file.filename} has no sha256 or md5; every file must have a checksum.`,
  );
}

/** Runs the attempts (each resuming the `.part` file) until one ends the body or the limits are spent. */
async function fetchPart(
  file: RemoteFile,
  url: string,
  part: string,
  limits: { retries: number; timeoutMs: number },
  deadline: { at: number; ms: number },
  lost: AbortSignal,
  onProgress: DownloadOptions['onProgress'],
): Promise<void> {
  const { retries, timeoutMs } = limits;
  let lastError: Error | null = null;
  for (let i = 0; i <= retries; i++) {
    try {
      await attempt(url, part, timeoutMs, deadline, lost, (b, t) => onProgress?.(file.filename, b, t));
      return;
    } catch (error) {
      if (error instanceof TimeoutFault && error.kind === 'deadline') lastError = error;
      else if (error instanceof TimeoutFault || error instanceof DownloadInterruptedError) {
        lastError = error;
        continue;
      } else if (error instanceof LockLostFault) {
        throw new DownloadInterruptedError(
          `download: ${file.filename} stalled for over ${LOCK_STALE_MS / 1000} s and another process took its ` +
            `download over (${part}). Call download() again: it waits for that process and uses its file.`,
        );
      } else throw error;
      break;
    }
  }
  const kept = (await sizeOf(part)) ?? 0;
  if (lastError instanceof TimeoutFault) {
    throw new DownloadTimeoutError(
      url,
      lastError.kind,
      `download: ${file.filename} from ${url} ${lastError.message}${lastError.kind === 'idle' ? ` (${retries + 1} attempt(s))` : ''}. ` +
        `${kept} bytes are kept in ${part}; call download() again to resume, or raise { ${lastError.kind === 'idle' ? 'timeoutMs' : 'deadlineMs'} } ` +
        'or use a faster { mirror }.',
    );
  }
  throw new DownloadInterruptedError(
    `download: ${file.filename} was interrupted ${retries + 1} time(s) (${lastError?.message}). ${kept} bytes are ` +
      `kept in ${part}; call download() again to resume from there, or raise { retries }.`,
  );
}

/** True when `path` exists and has the expected checksum. */
async function isVerified(path: string, file: RemoteFile): Promise<boolean> {
  if ((await sizeOf(path)) === null) return false;
  const { algorithm, digest } = expected(file);
  return (await hashFile(path, algorithm)) === digest;
}

/**
 * Downloads one file to `dest`: into `dest + '.part'` (resumed with an HTTP `Range` request after a
 * dropped connection), verified against its checksum, then renamed to `dest`, so `dest` is never
 * half-written. One process at a time writes the `.part` file (a lock `dest + '.lock'`, see
 * a folder made atomically, also on NFS): a second download of the same file, in this process or another,
 * waits and then uses the verified file; the lock of a process that died is taken over after
 * {@link LOCK_STALE_MS}. A folder that cannot be created or written is a {@link CacheFolderError}.
 */
export async function downloadFile(
  file: RemoteFile,
  dest: string,
  options: Omit<DownloadOptions, 'cacheDir'> & { url?: string } = {},
) {
  assertRemoteFile('downloadFile', file);
  if (typeof dest !== 'string' || dest === '') {
    throw new InvalidOptionError(
      PACKAGE,
      `downloadFile: dest must be the path to write ${file.filename} to, got ${describeValue(dest)}.`,
    );
  }
  assertOptionsObject('downloadFile', options, '{ retries?, timeoutMs?, deadlineMs?, url? }');
  assertDownloadFields('downloadFile', options as Record<string, unknown>);
  const url = options.url ?? file.url;
  const { algorithm, digest } = expected(file);
  const part = `${dest}.part`;
  assertHttpUrl('download', 'the file URL', url);
  const limits = downloadLimits('download', options);
  const deadline = { at: Date.now() + limits.deadlineMs, ms: limits.deadlineMs };
  await ensureCacheFolder(dirname(dest));
  const onWait = async () => options.onProgress?.(file.filename, (await sizeOf(part)) ?? 0, null);
  const lock = await acquireDownloadLock(dest, { url, deadline, onWait });
  try {
    // Another process may have finished it while this one waited for the lock.
    if (await isVerified(dest, file)) return;
    await fetchPart(file, url, part, limits, deadline, lock.lost, options.onProgress);
    const got = await hashFile(part, algorithm);
    if (got !== digest) {
      await rm(part, { force: true });
      throw new ChecksumMismatchError(
        `download: ${file.filename} from ${url} has ${algorithm} ${got}, but the published ${algorithm} is ${digest}. ` +
          'The partial file was deleted. Retry (the server or a proxy may have served a damaged file), or use ' +
          '{ mirror } with an intact copy.',
      );
    }
    await rename(part, dest).catch((error: unknown) => {
      throw cacheFolderError(dirname(dest), error) ?? error;
    });
  } finally {
    await lock.release();
  }
}

/**
 * Downloads a data set (`'mnist'`, `'fashion-mnist'`, `'cifar10'`, `'cifar100'`, or a custom
 * {@link DatasetSource}) into `<cacheDir>/<name>/` from its official URLs: checksums verified (the
 * published MD5, or SHA-256 where given), resumable after a dropped connection (HTTP `Range`), and
 * atomic (files are written as `.part` and renamed only once verified). Files already in the cache are
 * verified and not fetched again. In offline mode (`{ offline: true }` or `PIXSIM_OFFLINE=1`) a
 * missing file is an {@link OfflineError} naming the URL and the path to put it at.
 */
export async function download(
  name: string | DatasetSource,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const source = typeof name === 'string' ? datasetSource(name) : name;
  assertSource('download', source);
  if (!options || typeof options.cacheDir !== 'string' || options.cacheDir === '') {
    throw new InvalidOptionError(
      PACKAGE,
      `download('${source.name}'): pass { cacheDir: '<folder for downloaded data sets>' }.`,
    );
  }
  downloadLimits(`download('${source.name}')`, options);
  assertDownloadFields(`download('${source.name}')`, options as unknown as Record<string, unknown>);
  const offline = options.offline ?? process.env.PIXSIM_OFFLINE === '1';
  const dir = join(options.cacheDir, source.name);
  const files: Record<string, string> = {};
  for (const file of source.files) {
    const dest = join(dir, file.filename);
    const url = options.mirror
      ? new URL(file.filename, options.mirror.replace(/\/?$/, '/')).toString()
      : file.url;
    files[file.filename] = dest;
    if ((await sizeOf(dest)) !== null) {
      const { algorithm, digest } = expected(file);
      const got = await hashFile(dest, algorithm);
      if (got !== digest) {
        throw new ChecksumMismatchError(
          `download('${source.name}'): ${dest} is in the cache but has ${algorithm} ${got}, not the published ` +
            `${digest}. Delete it and call download() again (or replace it with the file from ${url}).`,
        );
      }
      continue;
    }
    if (offline) {
      throw new OfflineError(
        `download('${source.name}'): offline mode, and ${file.filename} is not in the cache. Download ${url} ` +
          `(${file.sha256 ? `sha256 ${file.sha256}` : `md5 ${file.md5}`}) yourself and put it at ${dest}, ` +
          'or call download() without { offline: true } (and without PIXSIM_OFFLINE=1).',
      );
    }
    await downloadFile(file, dest, { ...options, url });
  }
  return { dir, files };
}
