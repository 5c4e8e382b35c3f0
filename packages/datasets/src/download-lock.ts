import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as Lockfile from 'proper-lockfile';
import { cacheFolderError } from './cache-folder';
import { DownloadTimeoutError } from './errors';

/**
 * A download lock not refreshed for this long belongs to a process that died (killed, node lost): the
 * next downloader takes it over and resumes from the `.part` file.
 */
export const LOCK_STALE_MS = 30_000;

/** A held download lock. */
export interface DownloadLock {
  /** Aborts when another process took the lock over (this one stalled past {@link LOCK_STALE_MS}). */
  lost: AbortSignal;
  /** Gives the lock back (never throws). */
  release(): Promise<void>;
}

/** Options of {@link acquireDownloadLock}. */
export interface AcquireOptions {
  /** The URL, for the timeout error. */
  url: string;
  /** When to stop waiting for another process. */
  deadline: { at: number; ms: number };
  /** Called on each poll while another process holds the lock. */
  onWait?: () => void | Promise<void>;
}

/**
 * Takes the lock of `dest` (a folder `<dest>.lock`, which `mkdir` creates atomically, also on NFS), so one
 * process at a time, in this process or another, on this node or another, writes `<dest>.part`. While
 * another holds it, waits (polling) until it is given back or turns stale, at most until the deadline. A
 * folder where the lock cannot be made is a {@link CacheFolderError}.
 */
export async function acquireDownloadLock(dest: string, options: AcquireOptions): Promise<DownloadLock> {
  // Loaded on first use: proper-lockfile hooks process exit (to remove its locks) when it is loaded.
  const mod = (await import('proper-lockfile')) as typeof Lockfile & { default?: typeof Lockfile };
  const lockfile = mod.default ?? mod;
  let delay = 50;
  for (;;) {
    const controller = new AbortController();
    try {
      const release = await lockfile.lock(dest, {
        realpath: false,
        lockfilePath: `${dest}.lock`,
        stale: LOCK_STALE_MS,
        update: LOCK_STALE_MS / 6,
        retries: 0,
        onCompromised: (error) => controller.abort(error),
      });
      return { lost: controller.signal, release: () => release().catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw cacheFolderError(dirname(dest), error) ?? error;
      }
    }
    if (Date.now() >= options.deadline.at) {
      throw new DownloadTimeoutError(
        options.url,
        'deadline',
        `download: waited ${options.deadline.ms} ms for another process downloading ${dest} (lock ${dest}.lock) ` +
          'and it has not finished. Call download() again to go on waiting, or raise { deadlineMs }; a lock ' +
          `of a process that died is taken over after ${LOCK_STALE_MS / 1000} s.`,
      );
    }
    await options.onWait?.();
    await sleep(Math.min(delay, Math.max(0, options.deadline.at - Date.now())));
    delay = Math.min(delay * 2, 1000);
  }
}
