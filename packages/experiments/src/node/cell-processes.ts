import { spawn } from 'node:child_process';
import type { ProgressStream } from './progress';

/** Options of {@link runCellProcesses}. */
export interface CellProcessesOptions {
  /** The program and its leading arguments that run one cell, e.g. `[node, pixsim.js]` (then `run …`). */
  command: readonly string[];
  /** The arguments after {@link command} for the cell of `seed` (`run fig2a --seed 3 …`). */
  argsFor(seed: number): string[];
  /** The cells' seeds, started in this order. */
  seeds: readonly number[];
  /** How many cells run at once (each in its own process). */
  jobs: number;
  /** When aborted, running cells are asked to stop at their next step (SIGTERM) and no new one starts. */
  signal?: AbortSignal;
  /** Where each process's standard error (its labelled progress lines) is copied, line by line. */
  output?: ProgressStream | null;
}

/** How one cell process ended. */
export interface CellProcessOutcome {
  /** The cell's seed. */
  seed: number;
  /** `interrupted`: stopped by a signal at a step (exit status 130 or 143), resumable from its checkpoints. */
  status: 'finished' | 'interrupted' | 'failed' | 'not-started';
  /** Its exit status (null when a signal ended it, or it never started). */
  exitCode: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  /** The last non-empty line the process wrote to standard error. */
  lastError: string;
}

/** Exit statuses of a cell that a signal interrupted at a training step (`pixsim run`: 128 + SIGINT or SIGTERM). */
const INTERRUPTED = new Set([130, 143]);

/**
 * Runs the cells of `seeds` as separate processes, at most `jobs` at a time, and resolves when every
 * process has ended (it never rejects for a failing cell: the outcomes say which failed).
 *
 * Separate processes, not threads: each has its own TensorFlow.js engine, so two single-threaded cells
 * use two cores fully, where one process with two wasm threads does not (issue #17). Each process is
 * started in its own process group, so a terminal's Ctrl-C reaches only this one, which passes one
 * SIGTERM on (a second would make a cell quit at once instead of at its next step).
 */
export function runCellProcesses(options: CellProcessesOptions): Promise<CellProcessOutcome[]> {
  const { command, jobs, signal } = options;
  const queue = [...options.seeds];
  const outcomes = new Map<number, CellProcessOutcome>();
  const running = new Set<ReturnType<typeof spawn>>();
  // On abort, and when this process exits early (a second Ctrl-C), the running cells are told to stop.
  const stopRunning = () => {
    for (const child of running) child.kill('SIGTERM');
  };
  process.on('exit', stopRunning);
  signal?.addEventListener('abort', stopRunning, { once: true });

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      process.off('exit', stopRunning);
      signal?.removeEventListener('abort', stopRunning);
      for (const seed of queue) {
        outcomes.set(seed, { seed, status: 'not-started', exitCode: null, signal: null, lastError: '' });
      }
      resolve(options.seeds.map((s) => outcomes.get(s) as CellProcessOutcome));
    };
    const startNext = () => {
      while (running.size < jobs && queue.length > 0 && !signal?.aborted) {
        const seed = queue.shift() as number;
        const child = spawn(command[0], [...command.slice(1), ...options.argsFor(seed)], {
          stdio: ['ignore', 'ignore', 'pipe'],
          detached: true,
        });
        running.add(child);
        let pending = '';
        let lastError = '';
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (chunk: string) => {
          const lines = (pending + chunk).split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            if (line.trim()) lastError = line.trim();
            options.output?.write(`${line}\n`);
          }
        });
        const settle = (exitCode: number | null, killedBy: NodeJS.Signals | null, spawnError?: Error) => {
          if (!running.delete(child)) return;
          if (pending.trim()) {
            lastError = pending.trim();
            options.output?.write(`${pending}\n`);
          }
          if (spawnError) lastError = spawnError.message;
          const status =
            exitCode === 0
              ? 'finished'
              : exitCode !== null && INTERRUPTED.has(exitCode)
                ? 'interrupted'
                : 'failed';
          outcomes.set(seed, { seed, status, exitCode, signal: killedBy, lastError });
          startNext();
        };
        child.on('error', (error) => settle(null, null, error));
        child.on('close', (code, killedBy) => settle(code, killedBy));
      }
      if (running.size === 0) finish();
    };
    startNext();
  });
}
