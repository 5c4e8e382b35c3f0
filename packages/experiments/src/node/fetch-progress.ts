import type { ProgressStream } from './progress';

const CLEAR_LINE = '\u001b[K';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The line for `bytes` of `file` (of `total`, when the server said; `null` also while waiting on another process). */
function lineOf(file: string, bytes: number, total: number | null): string {
  if (total === null) return `${file}: ${mb(bytes)} so far`;
  return `${file}: ${Math.floor((100 * bytes) / Math.max(1, total))}% (${mb(bytes)} of ${mb(total)})`;
}

/**
 * Progress of `pixsim data fetch`, as `download()`'s `onProgress`: on a terminal one line redrawn in
 * place (at most every 100 ms); elsewhere (a log, a pipe) a whole line at each tenth of the file, and
 * every 10 MB when its size is unknown, so logs stay short.
 */
export function fetchProgress(stream: ProgressStream): {
  onProgress: (file: string, bytes: number, total: number | null) => void;
  /** Ends the redrawn line. */
  done: () => void;
} {
  let drawnAt = 0;
  let drawn = false;
  let lastStep = -1;
  let lastFile = '';
  return {
    onProgress(file, bytes, total) {
      if (file !== lastFile) {
        lastFile = file;
        lastStep = -1;
      }
      if (stream.isTTY) {
        const now = Date.now();
        if (now - drawnAt < 100 && bytes !== total) return;
        drawnAt = now;
        drawn = true;
        stream.write(`\r${lineOf(file, bytes, total)}${CLEAR_LINE}`);
        return;
      }
      const step = total === null ? Math.floor(bytes / 10e6) : Math.floor((10 * bytes) / Math.max(1, total));
      if (step === lastStep) return;
      lastStep = step;
      stream.write(`${lineOf(file, bytes, total)}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
