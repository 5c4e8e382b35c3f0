import type { Preset } from './presets';
import type { AttackKind, ExperimentSpec } from './spec';

/** Version tag of a cell's `result.json`. */
export const RESULT_FORMAT = 'pixsim-result-1';

/** The models a cell trains: the control, the regularized model, and the FGSM surrogate (another seed). */
export type ModelRole = 'unregularized' | 'regularized' | 'surrogate';

/** One epoch of training, as `train()` of `@pixsim/regularizer` reports it. */
export interface EpochRecord {
  epoch: number;
  learningRate: number;
  taskLoss: number;
  simLoss: number | null;
  trainAccuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  heldOutCorrelation: number | null;
  heldOutSimLoss: number | null;
  imagesPerSecond: number;
  steps: number;
}

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
  attack: Exclude<AttackKind, 'boundary'>;
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

/** Where each data set came from. */
export interface DataRecord {
  task: { dataset: string; source: string; trainImages: number; testImages: number };
  regularization: { dataset: string; source: string; n: number; standIn: boolean; imageShape: number[] };
  pairs: number;
}

/** Everything one cell (experiment × preset × seed) produced. Plain JSON, versioned. */
export interface CellResult {
  format: typeof RESULT_FORMAT;
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
  environment: {
    packages: Record<string, string>;
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
}
