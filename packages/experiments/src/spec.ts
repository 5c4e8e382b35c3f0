/** Version tag of the experiment spec format. */
export const SPEC_FORMAT = 'pixsim-experiment-1';

/** Data sets a task can be trained on. */
export const TASK_DATASETS = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100'] as const;
/** A classification data set. */
export type TaskDataset = (typeof TASK_DATASETS)[number];

/** Data sets the regularization images can come from (`imagenet` is an image folder). */
export const REGULARIZATION_DATASETS = [...TASK_DATASETS, 'imagenet'] as const;
/** A regularization data set. */
export type RegularizationDataset = (typeof REGULARIZATION_DATASETS)[number];

/**
 * Transform of the regularization images: `'none'` keeps them as the task's images; `'imagenet'` is the
 * reference's ImageNet transform (grey, centre crop 144×256, every 4th pixel → 36×64). With the
 * Tiny-ImageNet stand-in (64×64 images) the same 36×64 geometry is a centre crop of 36×64 (the
 * reference's crop of a 256-pixel image seen at ¼ resolution); results say so.
 */
export type RegularizationTransform = 'none' | 'imagenet';

/** How the N regularization images are chosen (see `ExperimentSpec.regularization.selection`). */
export const REGULARIZATION_SELECTIONS = ['first', 'random', 'spread'] as const;
/** A regularization selection. */
export type RegularizationSelectionName = (typeof REGULARIZATION_SELECTIONS)[number];

/** Which i<j pairs are sampled (as `selectPairs` of `@pixsim/similarity`). */
export type PairRangeName = 'all' | 'high' | 'low' | 'positive' | 'negative' | 'double';

/** How network inputs are scaled from [0, 1] images: `'unit'` as is (MNIST tasks), `'reference'` = 5·(x − 0.5) (CIFAR tasks). */
export type InputScalingName = 'unit' | 'reference';

/** An ε grid: explicit values, or `linspace(start, stop, num)` as numpy. */
export type EpsilonGrid = readonly number[] | { readonly linspace: readonly [number, number, number] };

export type { NoiseAttackKind } from './kinds/curve';
export { ATTACK_KINDS, type AttackKind, type AttackSpec } from './kinds/registry';
import type { AttackSpec } from './kinds/registry';

/**
 * The sizes a preset may change: everything that scales the cost of an experiment but not its science.
 * A spec holds the paper's values; a preset overrides some of them.
 */
export interface ScaleSpec {
  /** ResNet base width (the paper: 64). */
  readonly width: number;
  /** Training images: `'all'` or a seeded subset of this size (fixed across seeds). */
  readonly trainImages: number | 'all';
  /** Test images evaluated: `'all'` or a seeded subset (fixed across seeds). */
  readonly testImages: number | 'all';
  /** Regularization images N (the paper: 5,000). */
  readonly regularizationImages: number;
  /** Training epochs (the paper: MNIST 20, CIFAR-10 40, CIFAR-100 60). */
  readonly epochs: number;
  /** Test images attacked by the Boundary Attack (the paper: 1,000). */
  readonly boundaryImages: number;
  /** Repeats of the Boundary Attack (the paper: 5). */
  readonly boundaryRepeats: number;
  /**
   * The learning-rate schedule (absent = `'paper'`): `'paper'` reads the paper's cyclic step decay per epoch
   * (0.1 · 0.3^⌊(epoch mod 20)/4⌋), so a run with fewer epochs only sees its first steps; `'proportional'`
   * reads it at epoch · paperEpochs / epochs, compressing the paper's whole schedule into the run's epochs.
   * Validation drops `'paper'` (the key stays absent), so the paper's schedule keeps its spec hash.
   */
  readonly learningRateSchedule?: LearningRateScheduleName;
  /**
   * Test images attacked by the Square Attack and HopSkipJump (the same seeded choice for both). Present
   * exactly in specs with a `square` or `hop-skip-jump` evaluation, so other specs keep their hash.
   */
  readonly blackBoxImages?: number;
  /** Query budget per image of the Square Attack and HopSkipJump (present as `blackBoxImages` is). */
  readonly blackBoxQueries?: number;
  /** Test images corrupted by the `corruptions` evaluation (`'all'`: every evaluated test image); present exactly with it. */
  readonly corruptionImages?: number | 'all';
}

/** Learning-rate schedules a scale may name (see {@link ScaleSpec.learningRateSchedule}). */
export const LEARNING_RATE_SCHEDULES = ['paper', 'proportional'] as const;
/** A learning-rate schedule name. */
export type LearningRateScheduleName = (typeof LEARNING_RATE_SCHEDULES)[number];

/**
 * A tuning cell of `pixsim tune`: it trains one of the two compared models (and the FGSM surrogate when the
 * attack needs one) and evaluates it on a validation split of the training images, never on the test set.
 */
export interface TuningSpec {
  /** The model this cell trains: one unregularized baseline per seed, one regularized cell per (α, Th, seed). */
  readonly role: 'unregularized' | 'regularized';
  /**
   * Fraction of the (preset's) training images held out, with a fixed seed (the same split for every seed
   * and pair), not trained on, and evaluated instead of the test set.
   */
  readonly validationFraction: number;
  /** Spec id of the tune's unregularized cells: a regularized cell reloads their finished FGSM surrogate (same weights). */
  readonly baseline: string;
}

/** Where the (α, Th) of a reproduction came from: `pixsim reproduce --tuned <dir>` or `--alpha/--th`. */
export interface TunedSpec {
  /** `'tune'`: the pair `pixsim tune` selected (`file`); `'flags'`: given on the command line. */
  readonly source: 'tune' | 'flags';
  /** α and Th of the shipped experiment, which this reproduction replaced. */
  readonly replaced: { readonly alpha: number; readonly th: number };
  /** The `tune.json` the pair was selected in (absolute path), with the seeds and preset it was tuned on. */
  readonly file?: string;
  readonly tuneSeeds?: readonly number[];
  readonly tunePreset?: string;
}

/** An experiment: what to train, how to regularize, and how to evaluate. Plain JSON. */
export interface ExperimentSpec {
  readonly format: typeof SPEC_FORMAT;
  /** Short id, also the folder name of its results (`[a-z0-9-]`). */
  readonly id: string;
  readonly title: string;
  /** What the experiment shows, and where in the paper. */
  readonly description: string;
  /** The classification task. */
  readonly task: {
    readonly dataset: TaskDataset;
    /** `'grey'` (the paper's default: one input channel, ITU-R 601-2 luma as PIL) or `'rgb'`. */
    readonly channels: 'grey' | 'rgb';
    readonly inputScaling: InputScalingName;
    /**
     * Augmentation of the classification batches (`train()`'s `augment`): random crop after `padding`
     * pixels of reflect padding, and horizontal flips. The reference uses `{ padding: 4, flip: true }` for
     * CIFAR tasks and none for MNIST tasks (absent = none).
     */
    readonly augment?: { readonly padding: number; readonly flip: boolean };
  };
  readonly regularization: {
    readonly dataset: RegularizationDataset;
    /**
     * `'first'`: the first N images of the training split (the reference), then shuffled with the seed;
     * `'random'`: a seeded random N; `'spread'`: N images round-robin over the classes in a seeded order
     * (`regularizationIndices` of `@pixsim/datasets`). A class-sorted ImageNet folder (`--imagenet`, the
     * ImageNet sample) reads `'first'` as `'spread'`: its first N files would be its first few classes.
     */
    readonly selection: RegularizationSelectionName;
    readonly transform: RegularizationTransform;
    /** α of `L = L_task + α·L_sim` (≥ 0). */
    readonly alpha: number;
    /** Threshold Th of `S^Th`, in (0, 1). */
    readonly th: number;
    readonly pairRange: PairRangeName;
    /** Second threshold of the `'double'` pair range. */
    readonly th2?: number;
    /** Pairs per step k (the paper: 16). */
    readonly k: number;
  };
  readonly model: { readonly architecture: 'resnet18' | 'resnet34' };
  readonly training: {
    /** Classification batch size (the paper: 64). */
    readonly batchSize: number;
    /** Fraction of the training set held out for validation; the lowest-validation-loss epoch is evaluated (the paper: 0.01). */
    readonly validationFraction: number;
    /** Save a resumable checkpoint every this many steps inside an epoch (and at every epoch end). */
    readonly checkpointEverySteps: number;
  };
  readonly evaluation: {
    readonly attacks: readonly AttackSpec[];
    /** Images per forward pass of the evaluation. */
    readonly batchSize: number;
  };
  readonly scale: ScaleSpec;
  /** How the figure is labelled. */
  readonly figure: { readonly title: string; readonly caption: string };
  /** Present in the cells of `pixsim tune` only. */
  readonly tuning?: TuningSpec;
  /** Present when α and Th were tuned or given on the command line (not part of the spec hash: provenance). */
  readonly tuned?: TunedSpec;
}
