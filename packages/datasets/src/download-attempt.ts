import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { dirname } from 'node:path';
import { cacheFolderError } from './cache-folder';
import { TimeoutFault } from './download-options';
import { CacheFolderError, DownloadFailedError, DownloadInterruptedError } from './errors';

/** Size of the file at `path`, or `null` when there is none. */
export async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
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

/** Why an attempt stopped: another process took the download lock over (this one stalled too long). */
export class LockLostFault extends Error {}

/**
 * One attempt: appends to `part` from its current size; resolves when the body ended completely. A write
 * error of the part file is a {@link CacheFolderError}; `lost` aborting (the lock was taken over) stops
 * the attempt with a {@link LockLostFault}.
 */
export async function attempt(
  url: string,
  part: string,
  timeoutMs: number,
  deadline: { at: number; ms: number },
  lost: AbortSignal,
  onBytes: (n: number, total: number | null) => void,
) {
  if (Date.now() >= deadline.at) throw new TimeoutFault('deadline', deadline.ms);
  if (lost.aborted) throw new LockLostFault();
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
      await rm(part, { force: true }).catch((error: unknown) => {
        throw cacheFolderError(dirname(part), error) ?? error;
      });
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
  if (lost.aborted) {
    res.body.destroy();
    throw new LockLostFault();
  }
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const onLost = () => fail(new LockLostFault());
    lost.addEventListener('abort', onLost, { once: true });
    const timer = setTimeout(
      () => fail(new TimeoutFault('deadline', deadline.ms)),
      Math.max(0, deadline.at - Date.now()),
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      lost.removeEventListener('abort', onLost);
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
      lost.removeEventListener('abort', onLost);
      out.end(() => resolve());
    });
    res.body.on('close', () => {
      if (!res.body.complete) fail(new Error(`connection closed after ${bytes} of ${total ?? '?'} bytes`));
    });
    out.on('error', (error) => fail(cacheFolderError(dirname(part), error) ?? error));
  }).catch((error: Error) => {
    if (
      error instanceof TimeoutFault ||
      error instanceof LockLostFault ||
      error instanceof CacheFolderError
    ) {
      throw error;
    }
    throw new DownloadInterruptedError(`${url}: ${error.message}`);
  });
}
