import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import {
  ChecksumMismatchError,
  DownloadFailedError,
  DownloadInterruptedError,
  DownloadTimeoutError,
  InvalidOptionError,
  OfflineError,
} from './errors';
import { assertOptionsObject, describe } from './describe';
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

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
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
    `download: ${file.filename} has no sha256 or md5; every file must have a checksum.`,
  );
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

function request(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  redirects = 5,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) {
          reject(
            new DownloadFailedError(
              `download: too many redirects at ${url}. Use { mirror } with a direct URL.`,
            ),
          );
          return;
        }
        request(new URL(res.headers.location, url).toString(), headers, timeoutMs, redirects - 1).then(
          resolve,
          reject,
        );
        return;
      }
      resolve({ status, headers: res.headers, body: res });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new TimeoutFault('idle', timeoutMs)));
    req.on('error', reject);
  });
}

/** One attempt: appends to `part` from its current size; resolves when the body ended completely. */
async function attempt(
  url: string,
  part: string,
  timeoutMs: number,
  deadline: { at: number; ms: number },
  onBytes: (n: number, total: number | null) => void,
) {
  if (Date.now() >= deadline.at) throw new TimeoutFault('deadline', deadline.ms);
  const have = (await sizeOf(part)) ?? 0;
  const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
  let res: Response;
  try {
    res = await request(url, headers, timeoutMs);
  } catch (error) {
    if (error instanceof DownloadFailedError || error instanceof TimeoutFault) throw error;
    throw new DownloadInterruptedError(`could not connect to ${url}: ${(error as Error).message}`);
  }
  if (res.status === 416 && have > 0) {
    // The part file already holds the whole file.
    res.body.resume();
    return;
  }
  let append = false;
  if (res.status === 206) {
    const range = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    append = range !== null && Number(range[1]) === have;
    if (!append) {
      res.body.resume();
      await rm(part, { force: true });
      throw new DownloadInterruptedError(`${url} answered a different range than asked; restarting from 0`);
    }
  } else if (res.status !== 200) {
    res.body.resume();
    throw new DownloadFailedError(
      `download: ${url} answered HTTP ${res.status}. Check the URL (or { mirror }), or download the file by hand ` +
        `and place it in the cache folder (see the OfflineError message of { offline: true }).`,
    );
  }
  const length = Number(res.headers['content-length']);
  const start = append ? have : 0;
  const total = Number.isFinite(length) ? start + length : null;
  let bytes = start;
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const timer = setTimeout(
      () => fail(new TimeoutFault('deadline', deadline.ms)),
      Math.max(0, deadline.at - Date.now()),
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (failed) return;
      failed = true;
      res.body.destroy();
      // Flush the bytes already received (they are kept for resuming), then report; a broken file
      // stream cannot be flushed and is dropped.
      if (out.errored || out.destroyed) reject(error);
      else out.end(() => reject(error));
    };
    res.body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      onBytes(bytes, total);
      if (!out.write(chunk)) {
        res.body.pause();
        out.once('drain', () => res.body.resume());
      }
    });
    res.body.on('aborted', () => fail(new Error('connection closed by the server')));
    res.body.on('error', (error) => fail(error));
    res.body.socket?.on('timeout', () => fail(new TimeoutFault('idle', timeoutMs)));
    res.body.on('end', () => {
      if (failed) return;
      if (!res.body.complete || (total !== null && bytes !== total)) {
        fail(new Error(`connection closed after ${bytes} of ${total ?? '?'} bytes`));
        return;
      }
      clearTimeout(timer);
      out.end(() => resolve());
    });
    res.body.on('close', () => {
      if (!res.body.complete) fail(new Error(`connection closed after ${bytes} of ${total ?? '?'} bytes`));
    });
    out.on('error', (error) => fail(error));
  }).catch((error: Error) => {
    if (error instanceof TimeoutFault) throw error;
    throw new DownloadInterruptedError(`${url}: ${error.message}`);
  });
}

/**
 * Downloads one file to `dest`: into `dest + '.part'` (resumed with an HTTP `Range` request after a
 * dropped connection), verified against its checksum, then renamed to `dest`, so `dest` is never
 * half-written.
 */
export async function downloadFile(
  file: RemoteFile,
  dest: string,
  options: Omit<DownloadOptions, 'cacheDir'> & { url?: string } = {},
) {
  assertRemoteFile('downloadFile', file);
  if (typeof dest !== 'string' || dest === '') {
    throw new InvalidOptionError(
      `downloadFile: dest must be the path to write ${file.filename} to, got ${describe(dest)}.`,
    );
  }
  assertOptionsObject('downloadFile', options, '{ retries?, timeoutMs?, deadlineMs?, url? }');
  assertDownloadFields('downloadFile', options as Record<string, unknown>);
  const url = options.url ?? file.url;
  const { algorithm, digest } = expected(file);
  const part = `${dest}.part`;
  assertHttpUrl('download', 'the file URL', url);
  const { retries, timeoutMs, deadlineMs } = downloadLimits('download', options);
  const deadline = { at: Date.now() + deadlineMs, ms: deadlineMs };
  let lastError: Error | null = null;
  for (let i = 0; i <= retries; i++) {
    try {
      await attempt(url, part, timeoutMs, deadline, (b, t) => options.onProgress?.(file.filename, b, t));
      lastError = null;
      break;
    } catch (error) {
      if (error instanceof TimeoutFault && error.kind === 'deadline') lastError = error;
      else if (error instanceof TimeoutFault || error instanceof DownloadInterruptedError) {
        lastError = error;
        continue;
      } else throw error;
      break;
    }
  }
  if (lastError) {
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
      `download: ${file.filename} was interrupted ${retries + 1} time(s) (${lastError.message}). ${kept} bytes are ` +
        `kept in ${part}; call download() again to resume from there, or raise { retries }.`,
    );
  }
  const got = await hashFile(part, algorithm);
  if (got !== digest) {
    await rm(part, { force: true });
    throw new ChecksumMismatchError(
      `download: ${file.filename} from ${url} has ${algorithm} ${got}, but the published ${algorithm} is ${digest}. ` +
        'The partial file was deleted. Retry (the server or a proxy may have served a damaged file), or use ' +
        '{ mirror } with an intact copy.',
    );
  }
  await rename(part, dest);
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
    await mkdir(dir, { recursive: true });
    await downloadFile(file, dest, { ...options, url });
  }
  return { dir, files };
}
