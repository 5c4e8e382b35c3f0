import type { EpochMetrics } from '@pixsim/regularizer';
import type { Preset } from './presets';
import type { CurveAttackSpec } from './kinds/curve';
import type { ExperimentSpec } from './spec';

/**
 * Version tag of the `result.json` pixsim writes. `pixsim-result-2` (issue #26): `specHash` covers the science
 * only (`scienceOf` of the spec, and the regularization images' provenance), no longer the spec's words and
 * the whole preset; adds `training` (optimizer settings), `environment.sourceCommit`, the tap weights per
 * epoch, and `data.task.evaluatedOn`. Version 1 files are still read and aggregated as before.
 */
export const RESULT_FORMAT = 'pixsim-result-2';

/** Every `result.json` version pixsim reads (the current one last). */
export const RESULT_FORMATS = ['pixsim-result-1', RESULT_FORMAT] as const;

/** A `result.json` version. */
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** The models a cell trains: the control, the regularized model, and the FGSM surrogate (another seed). */
export type ModelRole = 'unregularized' | 'regularized' | 'surrogate';

/**
 * One epoch of training: `train()`'s `EpochMetrics` of `@pixsim/regularizer`, typed from it so that the two
 * cannot drift apart. The fields added to it later are optional here because older `result.json` files lack
 * them: `tapWeights` (absent in version 1 files) and `simLossSteps` (the per-step `L_sim` spread, recorded
 * since #26).
 */
export type EpochRecord = Omit<EpochMetrics, 'tapWeights' | 'simLossSteps'> &
  Partial<Pick<EpochMetrics, 'tapWeights' | 'simLossSteps'>>;

/** A trained model of a cell. */
export interface ModelRecord {
  role: ModelRole;
  /** Seed of its initialisation and of its training's randomness. */
  seed: number;
  alpha: number;
  /** First 12 hex digits of the SHA-256 of all evaluated weights' bytes, in `model.getWeights()` order. */
  fingerprint: string;
  parameters: number;
  bestEpoch: number | null;
  bestValidationLoss: number | null;
  steps: number;
  initialHeldOutCorrelation: number | null;
  history: EpochRecord[];
  /**
   * The engine that evaluated this model's attacks (absent for the FGSM surrogate, which only supplies
   * gradients): `'onnxruntime'` (onnxruntime-node through `@pixsim/onnx`) or `'tfjs'`, a description with
   * versions and threads, and why `'auto'` fell back to tfjs, if it did.
   */
  evaluation?: { engine: 'onnxruntime' | 'tfjs'; description: string; fallback: string | null };
}

/** Accuracy against one perturbation attack over its ε grid. */
export interface CurveRecord {
  model: ModelRole;
  attack: CurveAttackSpec['kind'];
  /** Test images evaluated. */
  n: number;
  epsilons: number[];
  accuracy: number[];
}

/** One repeat of the Boundary Attack against one model; per-image arrays follow `imageIndices`. */
export interface BoundaryRepeat {
  seed: number;
  success: boolean[];
  /** L2 distance on [0, 1] images (`null` where no adversarial was found). */
  distances: (number | null)[];
  /** Squared L2 per pixel, ‖x' − x‖² / D (`null` where not successful). */
  squaredL2PerPixel: (number | null)[];
  queries: number[];
  /** Median of `squaredL2PerPixel` over successful images (`null` if none). */
  medianSquaredL2PerPixel: number | null;
  successRate: number;
}

/** The Boundary Attack against one model. */
export interface BoundaryRecord {
  model: ModelRole;
  steps: number;
  /** Indices (in the evaluated test set) of the attacked images. */
  imageIndices: number[];
  /** Clean accuracy of the model on those images. */
  cleanAccuracy: number;
  repeats: BoundaryRepeat[];
  /** The paper's score: the mean over repeats of the median squared L2 per pixel (`null` if no repeat has one). */
  score: number | null;
}

/** The optimiser of every model of a cell (the reference's protocol). */
export interface TrainingRecord {
  optimizer: 'sgd-momentum';
  momentum: number;
  /** L2 weight decay (the reference: 0; pixsim's trainer has none). */
  weightDecay: number;
  /** The learning-rate schedule, in words. */
  learningRate: string;
  batchSize: number;
  /** Pairs per step k. */
  pairBatchSize: number;
}

/** Where each data set came from. */
export interface DataRecord {
  task: {
    dataset: string;
    source: string;
    trainImages: number;
    /** Images the attacks were evaluated on (the test images, or a tune cell's validation images). */
    testImages: number;
    /**
     * What the attacks were evaluated on: `'test'`, or `'validation'` (the cells of `pixsim tune`: a seeded split
     * of the training images that was not trained on). Absent in version 1 files (always the test set).
     */
    evaluatedOn?: 'test' | 'validation';
  };
  regularization: {
    dataset: string;
    /** The folder or data set read (a data-root-relative folder for the ImageNet sample and the stand-in). */
    source: string;
    n: number;
    standIn: boolean;
    imageShape: number[];
    /**
     * What the spec hash covers of the source: the data set, or for ImageNet `'imagenet-sample-1000'`,
     * `'tiny-imagenet-5k-stand-in'`, `'imagenet-folder'` or `'imagenet-folder-spread'` (absent in results
     * written before the ImageNet sample was used: read from `standIn`).
     */
    provenance?: string;
  };
  pairs: number;
}

/** Everything one cell (experiment × preset × seed) produced. Plain JSON, versioned. */
export interface CellResult {
  format: ResultFormat;
  experiment: string;
  preset: string;
  seed: number;
  /** SHA-256 (first 16 hex) of the resolved spec, the preset and the data provenance: cells with equal hashes may be aggregated. */
  specHash: string;
  spec: ExperimentSpec;
  presetSpec: Preset;
  reductions: string[];
  /** Further statements about this run (stand-in data, deviations from the reference). */
  notes: string[];
  data: DataRecord;
  /** How the models were optimised (absent in version 1 files, which used the same settings). */
  training?: TrainingRecord;
  environment: {
    packages: Record<string, string>;
    /** `git rev-parse HEAD` of the checkout pixsim ran from; null when not run from a git checkout (absent in version 1 files). */
    sourceCommit?: string | null;
    node: string;
    platform: string;
    backend: string;
    threads: number;
    /** Conv2DBackpropFilter kernel paths that ran for this cell (counts, from `filterGradientPaths()` of `@pixsim/backend`; only in this process, so 0 for models reloaded from an earlier run). */
    kernelPaths?: unknown;
  };
  /** Wall seconds per phase (`data`, `targets`, `train:<role>`, `eval:<role>:<attack>`, …). */
  phases: Record<string, number>;
  startedAt: string;
  finishedAt: string;
  models: ModelRecord[];
  curves: CurveRecord[];
  boundary: BoundaryRecord[];
  /**
   * The records of the kinds added since (`square`, `hop-skip-jump`, `corruptions`, …), each with its `kind`
   * and `model`; absent when the spec has none (so older results read as before).
   */
  evaluations?: EvaluationRecord[];
}

/** A record of a kind in `evaluations` (the kind's file declares its full type, e.g. `SquareRecord`). */
export interface EvaluationRecord {
  kind: string;
  model: ModelRole;
  [field: string]: unknown;
}
