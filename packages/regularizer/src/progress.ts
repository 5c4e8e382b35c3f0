import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnwritablePathError } from './errors';

/**
 * Writes `lines` as a JSON-lines file atomically (temporary file + rename), creating the folder. A
 * failed write removes its temporary file and throws {@link UnwritablePathError}.
 */
export function writeJsonLines(path: string, lines: readonly unknown[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw new UnwritablePathError(
      path,
      code,
      `train: writing the metrics file ${path} failed (${code}: ${(error as Error).message}); free disk ` +
        'space or choose a writable metricsFile.',
    );
  }
}

/**
 * A minimal terminal progress bar, redrawn in place with `\r`. On `process.stdout`/`process.stderr`
 * redirected to a file or pipe (not a TTY) it prints only the per-epoch summary lines, so logs stay
 * readable; any other writer gets every redraw.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly interactive: boolean;

  constructor(
    private readonly stream: { write(s: string): unknown; isTTY?: boolean },
    private readonly width = 24,
  ) {
    const std = stream === process.stdout || stream === process.stderr;
    this.interactive = !std || stream.isTTY === true;
  }

  /** Redraws the bar (at most 10 times a second unless `force`). */
  update(label: string, done: number, total: number, suffix: string, force = false): void {
    if (!this.interactive) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const filled = total > 0 ? Math.round((this.width * done) / total) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
    this.stream.write(`\r${label} ${bar} ${done}/${total} ${suffix}\u001b[K`);
  }

  /** Ends the current line with a summary. */
  finish(line: string): void {
    this.stream.write(this.interactive ? `\r${line}\u001b[K\n` : `${line}\n`);
  }
}
