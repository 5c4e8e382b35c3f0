export {
  type Attack,
  type AttackContext,
  boundaryAttack,
  fgsmAttack,
  gaussianNoiseAttack,
  type MinimizationAttack,
  type MinimizationOutcome,
  type NoiseAttackOptions,
  type PerturbationAttack,
  pgdAttack,
  saltAndPepperNoiseAttack,
  uniformNoiseAttack,
} from './attack-specs';
export {
  type BlendedNoiseOptions,
  type BlendedNoiseResult,
  linearSearchBlendedUniformNoise,
} from './blended-noise';
export {
  type BoundaryAttackOptions,
  type BoundaryAttackResult,
  runBoundaryAttack,
  runBoundaryAttackAsync,
  runBoundaryAttackReads,
} from './boundary-attack';
export {
  type Classifier,
  type ClassifierOptions,
  createClassifier,
  type LogitsFunction,
  type Preprocess,
  type PredictingModel,
  predictLabels,
  predictLabelsAsync,
  predictLabelsReads,
  scaleShift,
  toGrey,
} from './classifier';
export {
  type CorruptionEvaluation,
  type CorruptionEvaluationOptions,
  type CorruptionFamilyAccuracy,
  evaluateCorruptions,
  evaluateCorruptionsAsync,
} from './corruptions/evaluate';
export {
  ALGORITHMIC_CORRUPTIONS,
  CIFAR10C_PARAMETERS,
  CORRUPTION_FAMILIES,
  CORRUPTION_SEVERITIES,
  type CorruptionFamily,
} from './corruptions/families';
export type { JpegCodec, RawImage } from './corruptions/jpeg';
export {
  type CorruptionErrorSummary,
  corruptionErrorSummary,
  type FamilyCorruptionError,
} from './corruptions/summary';
export {
  type CorruptionOptions,
  corrupt,
  corruptAsync,
  corruptionSeed,
} from './corruptions/corrupt';
export {
  AttackError,
  type AttackErrorCode,
  CorruptionUnavailableError,
  type CorruptionUnavailableReason,
  DisposedTensorError,
  GradientsNotRegisteredError,
  IncomparableEvaluationsError,
  InvalidClassifierError,
  InvalidEpsilonError,
  InvalidLabelsError,
  InvalidOptionError,
  InvalidSeverityError,
  MissingLabelsError,
  MissingPackageError,
  NonFiniteValueError,
  OutOfBoundsError,
  ShapeMismatchError,
  UnknownCorruptionError,
} from './errors';
export { type FgsmOptions, fgsm } from './fgsm';
export {
  type DistanceHistory,
  type HopSkipJumpOptions,
  type HopSkipJumpResult,
  runHopSkipJump,
  runHopSkipJumpAsync,
  runHopSkipJumpReads,
} from './hop-skip-jump';
export { lossGradient } from './gradient';
export {
  addNoise,
  gaussianNoise,
  type NoiseClamp,
  type NoiseKind,
  type NoiseOptions,
  saltAndPepperNoise,
  uniformNoise,
} from './noise';
export { createOracle, type DecisionOracle } from './oracle';
export { type PgdNorm, type PgdOptions, pgd } from './pgd';
export { deriveSeed, SeededRandom } from './random';
export {
  type BudgetOutcome,
  type RobustAccuracy,
  type RobustAccuracyOptions,
  robustAccuracyAt,
} from './robust-accuracy';
export {
  type LabelledImages,
  type MinimizationSummary,
  type RobustnessCurve,
  type RobustnessCurveOptions,
  robustnessCurve,
  robustnessCurveAsync,
  robustnessCurveReads,
} from './robustness-curve';
export {
  type BlackBoxNorm,
  runSquareAttack,
  runSquareAttackAsync,
  runSquareAttackReads,
  type SquareAttackOptions,
  type SquareAttackResult,
} from './square-attack';
export { runReadsAsync, runReadsSync, type TensorReads, type TensorValues } from '@pixsim/core';
export { type Summary, summarize } from './summary';
export type { Labels } from './validate';
export type { ImageShape, LogitsValues, ValuesModel } from './values-model';
