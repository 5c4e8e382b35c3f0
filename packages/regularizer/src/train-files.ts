import type { CheckpointStore } from './checkpoint';

/**
 * What `train()` needs from a file system: the Node entry (`@pixsim/regularizer/node`) supplies it, the
 * universal `train()` of `@pixsim/regularizer` runs without one (checkpoints go to the `checkpoint` store
 * given, metrics to `history` only).
 */
export interface TrainFiles {
  /** The store used when `checkpointDir` is given without `checkpoint`. */
  defaultStore(): CheckpointStore;
  /** Whether the directory `dir` exists (for a store without `exists`). */
  exists(dir: string): boolean;
  /** `dir`/`name` as this file system writes it. */
  join(dir: string, name: string): string;
  /** Throws `UnwritablePathError` unless folder `dir` can be created and written. */
  assertWritableFolder(fn: string, what: string, dir: string): void;
  /** Throws `UnwritablePathError` unless `file` can be (re)written. */
  assertWritableFile(fn: string, what: string, file: string): void;
  /** Rewrites `file` with one JSON line per entry of `lines`. */
  writeMetrics(file: string, lines: readonly unknown[]): void;
}

/** `dir`/`name` for stores that are not a file system (the universal `train()`): a plain `/` join. */
export function joinKey(dir: string, name: string): string {
  return `${dir.replace(/[/\\]+$/, '')}/${name}`;
}
