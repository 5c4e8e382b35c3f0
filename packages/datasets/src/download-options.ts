import { InvalidOptionError } from './errors';

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
      `${fn}: retries must be an integer from 0 to 100, got ${String(options.retries)}.`,
    );
  }
  const positive = (name: string, value: unknown, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 2 ** 31 - 1) {
      throw new InvalidOptionError(
        `${fn}: ${name} must be a number of milliseconds > 0, got ${String(value)}.`,
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

/** Why an attempt stopped for lack of time. */
export class TimeoutFault extends Error {
  constructor(
    readonly kind: 'idle' | 'deadline',
    ms: number,
  ) {
    super(kind === 'idle' ? `timed out: no data for ${ms} ms` : `timed out: the ${ms} ms deadline passed`);
  }
}
