import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileCheckpointStore } from './file-checkpoint-store';
import { writeJsonLines } from './metrics-file';
import type { TrainFiles } from './train-files';
import { trainWith } from './trainer';
import type { TrainOptions, TrainResult } from './trainer-types';
import { assertWritableFile, assertWritableFolder } from './writable';

/** Options of `train()` from `@pixsim/regularizer/node`: `TrainOptions` plus the files it writes. */
export interface NodeTrainOptions extends TrainOptions {
  /** Write one JSON line of the epoch's metrics (`EpochMetrics`) per epoch here (rewritten atomically). */
  metricsFile?: string;
}

/** Node's file system for the trainer. */
const nodeFiles: TrainFiles = {
  defaultStore: fileCheckpointStore,
  exists: existsSync,
  join,
  assertWritableFolder,
  assertWritableFile,
  writeMetrics: writeJsonLines,
};

/**
 * The universal `train()` of `@pixsim/regularizer` with Node's file system:
 * checkpoints go to files in `checkpointDir` by default ({@link fileCheckpointStore}), per-epoch metrics
 * to the JSON-lines `metricsFile`, and both locations are checked to be writable before any work (a
 * typed `UnwritablePathError` naming the path and the fix). Everything else is the same function.
 *
 * @example
 * ```ts
 * import { train } from '@pixsim/regularizer/node';
 * const result = await train({
 *   model, regularizer, train: trainSet, regularization: { images, targets }, alpha: 4, epochs: 20, seed: 1,
 *   metricsFile: 'runs/mnist/metrics.jsonl', checkpointDir: 'runs/mnist/checkpoints', resume: true,
 * });
 * ```
 * @throws {@link InvalidOptionError} for invalid options, {@link UnwritablePathError} for a location that
 * cannot be written, and every error of the universal `train()`.
 */
export function train(options: NodeTrainOptions): Promise<TrainResult> {
  return trainWith(options, nodeFiles);
}
