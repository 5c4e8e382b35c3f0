import type { EpochMetrics } from './trainer-types';

/**
 * A minimal terminal progress bar, redrawn in place with `\r`. On `process.stdout`/`process.stderr`
 * redirected to a file or pipe (not a TTY) it prints only the per-epoch summary lines, so logs stay
 * readable; any other writer gets every redraw unless it has `isTTY: false`.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly interactive: boolean;

  constructor(
    private readonly stream: { write(s: string): unknown; isTTY?: boolean },
    private readonly width = 24,
  ) {
    const proc = globalThis.process;
    const std = proc !== undefined && (stream === proc.stdout || stream === proc.stderr);
    // Standard streams redraw only on a terminal; other writers unless they say `isTTY: false`.
    this.interactive = std ? stream.isTTY === true : stream.isTTY !== false;
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

/**
 * A progress writer for places without a terminal (browsers, web workers): each complete line goes to
 * `console.log`; the bar itself is not redrawn (`isTTY: false`), only the per-epoch summaries are printed.
 */
export function consoleLines(): { write(s: string): void; isTTY: false } {
  let pending = '';
  return {
    isTTY: false,
    write(s: string) {
      pending += s;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        console.log(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    },
  };
}

/**
 * The summary line of one epoch, every figure labelled: the training means (`L_task`, `L_sim` = the mean
 * similarity loss over the pair batches, training accuracy), then the validation split's task loss and
 * accuracy (inference mode: batch norm uses its moving statistics, which after a short or strongly
 * regularized run can still be far from the batch statistics and give a large validation loss), then the
 * held-out correlation r(S^CNN, S^target) and the speed.
 */
export function formatEpoch(m: EpochMetrics, epochs: number): string {
  const f = (v: number | null, d = 4) => (v === null ? '–' : v.toFixed(d));
  return (
    `epoch ${m.epoch + 1}/${epochs} lr ${m.learningRate.toPrecision(3)} | train L_task ${f(m.taskLoss)} ` +
    `L_sim ${f(m.simLoss, 3)} acc ${f(m.trainAccuracy, 3)} | val L_task ${f(m.validationLoss)} ` +
    `acc ${f(m.validationAccuracy, 3)} | r(S^CNN,S^target) ${f(m.heldOutCorrelation, 3)} | ` +
    `${m.imagesPerSecond.toFixed(0)} img/s`
  );
}
