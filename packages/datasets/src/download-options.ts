import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from './errors';
import type { DatasetSource, RemoteFile } from './sources';

/** Download limits after validation. */
export interface DownloadLimits {
  retries: number;
  timeoutMs: number;
  deadlineMs: number;
}

/** Throws {@link InvalidOptionError} unless `url` is an absolute http(s) URL. */
export function assertHttpUrl(fn: string, name: string, url: unknown): string {
  let parsed: URL | null = null;
  try {
    parsed = typeof url === 'string' ? new URL(url) : null;
  } catch {
    parsed = null;
  }
  if (parsed == null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be an absolute http:// or https:// URL, got ${JSON.stringify(url) ?? String(url)}.`,
    );
  }
  return url as string;
}

/**
 * Checks `retries` (an integer 0…100, default 3), `timeoutMs` (idle time limit, > 0, default 60 s) and
 * `deadlineMs` (overall limit per file, all attempts together, > 0, default 1 h).
 */
export function downloadLimits(
  fn: string,
  options: { retries?: unknown; timeoutMs?: unknown; deadlineMs?: unknown },
): DownloadLimits {
  const retries = options.retries ?? 3;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 100) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: retries must be an integer from 0 to 100, got ${describeValue(options.retries)}.`,
    );
  }
  const positive = (name: string, value: unknown, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 2 ** 31 - 1) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be a number of milliseconds > 0, got ${describeValue(value)}.`,
      );
    }
    return v;
  };
  return {
    retries,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 60_000),
    deadlineMs: positive('deadlineMs', options.deadlineMs, 3_600_000),
  };
}

const HEX = { sha256: /^[0-9a-f]{64}$/i, md5: /^[0-9a-f]{32}$/i };

/**
 * Throws {@link InvalidOptionError} unless `file` is a {@link RemoteFile}: a plain file name (no path
 * separator, not `.` or `..`, so nothing is written outside the cache folder), an http(s) URL and a hex
 * SHA-256 or MD5.
 */
export function assertRemoteFile(fn: string, file: unknown): asserts file is RemoteFile {
  const f = file as Partial<RemoteFile> | null;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: a file must be { filename, url, sha256 | md5 }, got ${describeValue(file)}.`,
    );
  }
  const name = f.filename;
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[\\/]/.test(name)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: filename must be a plain file name (no folder, no '..'), got ${describeValue(name)}.`,
    );
  }
  assertHttpUrl(fn, `the URL of ${name}`, f.url);
  const sha = f.sha256 !== undefined && typeof f.sha256 === 'string' && HEX.sha256.test(f.sha256);
  const md5 = f.md5 !== undefined && typeof f.md5 === 'string' && HEX.md5.test(f.md5);
  if ((f.sha256 !== undefined && !sha) || (f.md5 !== undefined && !md5) || (!sha && !md5)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} needs a checksum: sha256 as 64 hex digits or md5 as 32, got sha256 ${describeValue(f.sha256)}, md5 ${describeValue(f.md5)}.`,
    );
  }
}

/** Throws {@link InvalidOptionError} unless `source` is a {@link DatasetSource} with a plain name and valid files. */
export function assertSource(fn: string, source: unknown): asserts source is DatasetSource {
  const s = source as Partial<DatasetSource> | null;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.files) || s.files.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pass a data-set name ('mnist', 'cifar10', …) or a DatasetSource { name, files: [...] }, got ${describeValue(source)}.`,
    );
  }
  if (
    typeof s.name !== 'string' ||
    s.name === '' ||
    s.name === '.' ||
    s.name === '..' ||
    /[\\/]/.test(s.name)
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: the source name is the cache sub-folder and must be a plain name, got ${describeValue(s.name)}.`,
    );
  }
  for (const file of s.files) assertRemoteFile(fn, file);
}

/**
 * Throws {@link InvalidOptionError} when an optional field of the download options has the wrong type
 * (`offline` not a boolean, `onProgress` not a function, `mirror` not an http(s) URL).
 */
export function assertDownloadFields(fn: string, options: Record<string, unknown>): void {
  if (options.offline !== undefined && typeof options.offline !== 'boolean') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: offline must be true or false, got ${describeValue(options.offline)}.`,
    );
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: onProgress must be a function (file, bytes, total) => void, got ${describeValue(options.onProgress)}.`,
    );
  }
  if (options.mirror != null) assertHttpUrl(fn, 'mirror', options.mirror);
}

/** Why an attempt stopped for lack of time. */
export class TimeoutFault extends Error {
  constructor(
    readonly kind: 'idle' | 'deadline',
    ms: number,
  ) {
    super(kind === 'idle' ? `timed out: no data for ${ms} ms` : `timed out: the ${ms} ms deadline passed`);
  }
}
