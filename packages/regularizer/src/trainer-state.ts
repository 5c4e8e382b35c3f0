import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CheckpointStore } from './checkpoint';
import { PACKAGE, CheckpointError, InvalidOptionError, StateMismatchError } from './errors';
import type { PairSamplerState } from './pair-sampler';
import type { TrainFiles } from './train-files';
import type { SimilarityRegularizer } from './similarity-regularizer';
import type { EpochMetrics } from './trainer-types';

/** Running sums of one epoch's training metrics (saved in mid-epoch checkpoints). */
export interface EpochSums {
  task: number;
  sim: number;
  simSteps: number;
  /** Each pair batch's `L_sim` this epoch (absent in checkpoints written before it was recorded). */
  simValues?: number[];
  correct: number;
  seen: number;
  images: number;
  seconds: number;
}

/** The trainer's position and history, saved as checkpoint metadata for an exact resume. */
export interface ResumeMetadata {
  format: 'pixsim-trainer-1';
  epoch: number;
  stepInEpoch: number;
  globalStep: number;
  sampler: PairSamplerState | null;
  bestEpoch: number | null;
  bestValidationLoss: number | null;
  history: EpochMetrics[];
  sums: EpochSums;
  initialHeldOutCorrelation: number | null;
  fingerprint: string;
}

export /**
 * Disposes a momentum optimiser completely: tfjs-core 4.x `MomentumOptimizer.dispose()` frees its
 * momentum slots but not the learning-rate scalar kept by its SGD parent, which would leak one tensor
 * per training run.
 */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const rate = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (rate instanceof tf.Tensor && !rate.isDisposed) rate.dispose();
}

/** Whether `dir` holds a checkpoint (`store.exists`, or the folder on disk where there is a file system). */
export async function checkpointExists(
  store: CheckpointStore,
  dir: string,
  files: TrainFiles | null,
): Promise<boolean> {
  if (store.exists) return await store.exists(dir);
  if (files) return files.exists(dir);
  throw new InvalidOptionError(
    PACKAGE,
    `train: cannot tell whether '${dir}' holds a checkpoint: the checkpoint store has no exists(dir) method. ` +
      'Add one to resume (memoryCheckpointStore() has it).',
  );
}

/** Loads the last checkpoint into the model, optimiser and regularizer; returns the trainer state. */
export async function restore(
  store: CheckpointStore,
  dir: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  regularizer: SimilarityRegularizer | undefined,
  fingerprint: string,
): Promise<ResumeMetadata> {
  let loaded: Awaited<ReturnType<CheckpointStore['load']>>;
  try {
    loaded = await store.load(dir, { model, optimizer });
  } catch (err) {
    throw new CheckpointError(
      `train: could not load the checkpoint in '${dir}' to resume: ${(err as Error).message}`,
    );
  }
  try {
    const meta = loaded.metadata as unknown as ResumeMetadata;
    if (meta?.format !== 'pixsim-trainer-1') {
      throw new StateMismatchError(
        `train: '${dir}' was not written by this trainer; remove it or pick another checkpointDir.`,
      );
    }
    if (meta.fingerprint !== fingerprint) {
      throw new StateMismatchError(
        `train: the checkpoint in '${dir}' was made with other data or options (${meta.fingerprint}, now ${fingerprint}); ` +
          'resume with the same data, batch sizes, seed and α, or start a fresh checkpointDir.',
      );
    }
    if (regularizer) await regularizer.setStateAsync(loaded.tensors);
    return meta;
  } finally {
    tf.dispose(Object.values(loaded.tensors));
  }
}

/** Zeroed epoch sums. */
export function emptySums(): EpochSums {
  return { task: 0, sim: 0, simSteps: 0, simValues: [], correct: 0, seen: 0, images: 0, seconds: 0 };
}
