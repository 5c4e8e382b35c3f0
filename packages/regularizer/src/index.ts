/**
 * `@pixsim/regularizer`: the similarity loss `L_sim` on any `tf.LayersModel` and the trainer of the paper.
 * Universal (browsers, web workers, Node): no file-system code. In Node, `@pixsim/regularizer/node` adds
 * checkpoint files and a metrics file to `train()`.
 *
 * @packageDocumentation
 * @module @pixsim/regularizer
 */
export {
  type CheckpointContents,
  type CheckpointMetadata,
  type CheckpointStore,
  type LoadedCheckpoint,
  type MemoryCheckpointStore,
  memoryCheckpointStore,
} from './checkpoint';
export {
  CheckpointError,
  InvalidInputError,
  InvalidLabelsError,
  InvalidOptionError,
  ModelMismatchError,
  NonFiniteStepError,
  type NonFiniteSource,
  NonFiniteValueError,
  PixelRangeError,
  RegularizerError,
  type RegularizerErrorCode,
  ShapeMismatchError,
  StateMismatchError,
  UnknownLayerError,
  UnwritablePathError,
} from './errors';
export {
  type ClassifierEvaluation,
  type ClassifierEvaluationOptions,
  evaluateClassifier,
  evaluateClassifierAsync,
  evaluateSimilarity,
  evaluateSimilarityAsync,
  type SimilarityEvaluation,
  type SimilarityEvaluationOptions,
} from './evaluate';
export {
  type ImageSet,
  ImageStore,
  type InputScaling,
  type PixelArray,
  scaleInputs,
  taskInputScaling,
} from './image-set';
export {
  type Augmenter,
  type CropFlipOptions,
  randomCropFlip,
  resolveAugmentation,
  type TrainAugmentation,
} from './augment';
export { type CyclicStepDecayOptions, cyclicStepDecay, type LearningRateSchedule } from './lr-schedule';
export { PairSampler, type PairSamplerOptions, type PairSamplerState } from './pair-sampler';
export { deriveSeed, mulberry32, permutation, type Random } from './random';
export {
  type PairForwardOptions,
  type PairPasses,
  type SimilarityLossKind,
  SimilarityRegularizer,
  type SimilarityRegularizerOptions,
  type TapWeighting,
} from './similarity-regularizer';
export { type HoldOutSplit, stratifiedHoldOut } from './split';
export {
  categoricalPairTargets,
  type MatrixTargetOptions,
  matrixTargets,
  type NeuralTargetOptions,
  neuralTargets,
  type PairRangeOptions,
  type PairTargets,
  pixelTargets,
  pixelTargetsAsync,
  type ThresholdedTargetOptions,
  targetsOf,
  thresholdedPixelTargets,
  thresholdedPixelTargetsAsync,
} from './targets';
export {
  type PairBatch,
  regularizationLoss,
  type StepResult,
  type TaskLoss,
  type TrainStepOptions,
  taskLossOf,
  trainStep,
  trainStepAsync,
} from './train-step';
export { train } from './trainer';
export type { EpochMetrics, RegularizationData, StepInfo, TrainOptions, TrainResult } from './trainer-types';
export { type SimLossSteps, summarizeSimLossSteps } from './sim-loss-steps';
