import type { CropFlipOptions, TrainAugmentation } from './augment';
import type { SimLossSteps } from './sim-loss-steps';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CheckpointStore } from './checkpoint';
import type { ImageSet, InputScaling } from './image-set';
import type { LearningRateSchedule } from './lr-schedule';
import type { PairPasses } from './pair-passes';
import type { SimilarityRegularizer } from './similarity-regularizer';
import type { PairTargets } from './targets';
import type { TaskLoss } from './train-step';

/** The regularization data: the N regularization images and their pair targets (e.g. `S^Th`). */
export interface RegularizationData {
  images: ImageSet;
  targets: PairTargets;
}

/** Options of {@link train}. Every default is the reference protocol's. */
export interface TrainOptions {
  /** The classification model (outputs logits unless `taskLoss` says otherwise). */
  model: tfl.LayersModel;
  /** Labelled training images. */
  train: ImageSet;
  /** Validation images; default a stratified hold-out of `validationFraction` of `train`. */
  validation?: ImageSet;
  /** Fraction of `train` held out for validation when `validation` is absent. Default 0.01. */
  validationFraction?: number;
  /** The similarity regularizer (built on `model`). Needed for α > 0 and for the similarity metrics. */
  regularizer?: SimilarityRegularizer;
  /** Regularization images and targets. */
  regularization?: RegularizationData;
  /** α of `L = L_task + α·L_sim`. Default 0. */
  alpha?: number;
  /** Number of epochs. */
  epochs: number;
  /** Seed of everything random (hold-out, batch order, pair sampling). */
  seed: number;
  /** Classification batch size. Default 64. */
  batchSize?: number;
  /** Pairs per step, k. Default 16. */
  pairBatchSize?: number;
  /** A constant learning rate or a schedule per epoch. Default {@link cyclicStepDecay}() (0.1·0.3^⌊(e mod 20)/4⌋). */
  learningRate?: number | LearningRateSchedule;
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  /**
   * How images in [0, 1] become network inputs (classification, regularization and validation images
   * alike). Default: the task's, from `train.name` ({@link taskInputScaling}): `'reference'`
   * (`5·(x − 0.5)`) for CIFAR-10/100, `'unit'` ([0, 1]) for MNIST, Fashion-MNIST and data without a known
   * name. Evaluate the trained model with the same scaling ({@link TrainResult.inputScaling}).
   */
  inputScaling?: InputScaling;
  /**
   * Augmentation of each classification batch (pixels in [0, 1], before input scaling): `'cifar'` (random
   * crop with 4-pixel reflect padding and horizontal flip, the reference's CIFAR setting), explicit
   * {@link CropFlipOptions}, or your own function. Drawn from the run's seed, epoch and step, so a resumed
   * run sees the same images. Default none.
   */
  augment?: TrainAugmentation;
  /**
   * How the pair images go through the network each step: `'separate'` (default, the reference: three
   * training-mode passes — classification batch, k images i, k images j) or `'joint'` (one pass of the
   * 2k pair images; faster, one batch-norm statistic for both halves). See {@link PairPasses}.
   */
  pairPasses?: PairPasses;
  /** Default `'logits'`. */
  taskLoss?: TaskLoss;
  /** Selected pairs held out of training to measure the similarity correlation. Default min(500, 10% of pairs). */
  heldOutPairs?: number;
  /** Progress bar: `true` → stderr, a stream, or `false`. Default: stderr when it is a terminal. */
  progress?: boolean | { write(s: string): unknown };
  /**
   * Folder (or key prefix) of the checkpoints `last/` (every epoch) and `best/` (lowest validation loss),
   * kept in the `checkpoint` store.
   */
  checkpointDir?: string;
  /**
   * Checkpoint storage, needed with `checkpointDir`: {@link memoryCheckpointStore}() or your own
   * {@link CheckpointStore}. Default with `train()` from `@pixsim/regularizer/node`: files on disk
   * (`fileCheckpointStore()`); the universal `train()` has no default (it never touches a file system).
   */
  checkpoint?: CheckpointStore;
  /** Also save `last/` every this many steps inside an epoch. Default: only at epoch ends. */
  checkpointEverySteps?: number;
  /** Continue from `last/` when it exists. Default false. */
  resume?: boolean;
  /**
   * When training ends, load the weights (and regularizer state) of the epoch with the lowest validation
   * loss back into the model, as the paper evaluates that checkpoint. Kept in memory; after a resume whose
   * best epoch came before the interruption it is read from `best/`. Default false (the model keeps the
   * last epoch's weights).
   */
  restoreBest?: boolean;
  /** Stop (as if interrupted, without saving) after this many steps in total. */
  stopAfterSteps?: number;
  /** Stop at the next step when aborted (without saving; the last checkpoint stays valid). */
  signal?: AbortSignal;
  /** Batch size of evaluations. Default 256. */
  evalBatchSize?: number;
  /**
   * Called after every training step with its losses (awaited when it returns a promise). To stop early,
   * abort the `signal` from here: training stops before the next step.
   */
  onStep?: (step: StepInfo) => void | Promise<void>;
  /**
   * Called at the end of every epoch with its {@link EpochMetrics}, after its checkpoints are written
   * (awaited when it returns a promise). Abort the `signal` here to stop after this epoch.
   */
  onEpochEnd?: (metrics: EpochMetrics) => void | Promise<void>;
}

/** What {@link TrainOptions.onStep} receives after each training step. */
export interface StepInfo {
  /** Epoch index (from 0). */
  epoch: number;
  /** Step within the epoch (from 0). */
  step: number;
  /** Steps done in total, this one included (counting those before a resume). */
  globalStep: number;
  learningRate: number;
  /** `L_task` of the batch before the update. */
  taskLoss: number;
  /** `L_sim` of the pair batch before the update (null without regularization). */
  simLoss: number | null;
  /** Fraction of the batch classified correctly before the update. */
  accuracy: number;
}

/** Metrics of one epoch (one line of the JSONL file). */
export interface EpochMetrics {
  epoch: number;
  learningRate: number;
  /** Mean `L_task` over the epoch's training batches (training mode, before each update). */
  taskLoss: number;
  /** Mean `L_sim` over the epoch's pair batches (null without regularization). */
  simLoss: number | null;
  /** How the epoch's per-step `L_sim` values are spread (null without regularization). */
  simLossSteps: SimLossSteps | null;
  trainAccuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  /** Correlation between `S^CNN` and `S^target` on the held-out pairs (null without regularization data). */
  heldOutCorrelation: number | null;
  /** `L_sim` on the held-out pairs. */
  heldOutSimLoss: number | null;
  /**
   * The tap weights `π = softmax(w)` at the end of the epoch, in the order of the regularizer's taps (null
   * without a regularizer). With `alpha = 0` `w` is not trained, so they stay at their start.
   */
  tapWeights: number[] | null;
  /** Classification + pair images per second of training steps (evaluation excluded). */
  imagesPerSecond: number;
  steps: number;
}

/** What {@link train} returns. */
export interface TrainResult {
  history: EpochMetrics[];
  /** Epoch of the lowest validation loss (null without validation). */
  bestEpoch: number | null;
  bestValidationLoss: number | null;
  /** Steps done in total (including those before a resume). */
  steps: number;
  /** True when stopped by `stopAfterSteps` or `signal` before the last epoch ended. */
  interrupted: boolean;
  /** Similarity metrics before any training step (fresh runs with regularization data only). */
  initialHeldOutCorrelation: number | null;
  /** The input scaling the model was trained with (the default resolved); evaluate with the same. */
  inputScaling: InputScaling;
}
