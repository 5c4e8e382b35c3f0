/** Something to write progress text to (a terminal or a log). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** `m min s s` / `s s` of a duration in seconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The trainer's 'clear to end of line' escape. */
const CLEAR_LINE = '\u001b[K';
const EPOCH_RE = /epoch (\d+)\/(\d+)(?: \S+ (\d+)\/(\d+))?/;

/**
 * Progress of one cell: one line per phase, and per trained model its epochs with an ETA. On a terminal
 * the trainer's step bar is redrawn in place with the ETA appended; otherwise only whole lines are
 * written (phase starts and one line per epoch), so logs stay readable.
 */
export class CellProgress {
  private readonly interactive: boolean;

  constructor(
    private readonly stream: ProgressStream | null,
    private readonly label: string,
  ) {
    this.interactive = stream?.isTTY === true;
  }

  /** One line, prefixed with the cell's label. */
  line(message: string): void {
    this.stream?.write(`[${this.label}] ${message}\n`);
  }

  /**
   * A writer for `train({ progress })` of model `what` (`index` of `count` models to train in this cell):
   * adds the label, the model and an ETA of that model's training to the trainer's output.
   */
  trainWriter(what: string, index: number, count: number): ProgressStream | false {
    const stream = this.stream;
    if (!stream) return false;
    const started = performance.now();
    const prefix = `[${this.label}] ${what} (${index}/${count})`;
    const eta = (text: string): string => {
      const m = EPOCH_RE.exec(text);
      if (!m) return '';
      const [epoch, epochs] = [Number(m[1]), Number(m[2])];
      const ended = text.includes(' lr ');
      const within = m[3] && !ended ? Number(m[3]) / Number(m[4]) : ended ? 1 : 0;
      const fraction = (epoch - 1 + within) / epochs;
      if (fraction <= 0) return '';
      const elapsed = (performance.now() - started) / 1000;
      return fraction >= 1
        ? ` (${formatDuration(elapsed)})`
        : ` ETA ${formatDuration((elapsed * (1 - fraction)) / fraction)}`;
    };
    return {
      write: (s: string) => {
        const complete = s.endsWith('\n');
        const text = s.replace(/^\r/, '').split(CLEAR_LINE).join('').replace(/\n$/, '');
        if (this.interactive) stream.write(`\r${prefix} ${text}${eta(text)}\u001b[K${complete ? '\n' : ''}`);
        else if (complete) stream.write(`${prefix} ${text}${eta(text)}\n`);
      },
    };
  }
}
