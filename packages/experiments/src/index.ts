/**
 * `@pixsim/experiments`: the paper's experiments as typed, JSON-serialisable specs ({@link EXPERIMENTS}),
 * presets that scale them ({@link PRESETS}), aggregation of per-seed results into mean ± SEM
 * ({@link aggregate}) and the paper-style figure as a Vega-Lite spec ({@link figureSpec}). This entry point
 * is browser-safe; running cells, files and rendering are in `@pixsim/experiments/node`, and the `pixsim`
 * command-line tool drives both.
 *
 * @packageDocumentation
 */
export {
  aggregate,
  type BoundarySummary,
  type CurveSummary,
  type EvaluationSummary,
  SUMMARY_FORMAT,
  type Summary,
  summaryToCsv,
} from './aggregate';
export {
  CellLockedError,
  CellProcessFailedError,
  DataNotFoundError,
  ExperimentsError,
  type ExperimentsErrorCode,
  type FailedCellProcess,
  InvalidOptionError,
  InvalidPresetError,
  InvalidSpecError,
  type LockHolder,
  NoResultsError,
  SchedulerNotFoundError,
  SpecHashMismatchError,
  SubmitFailedError,
  SweepStillQueuedError,
  UnknownDatasetError,
  UnknownEmitTargetError,
  UnknownExperimentError,
  UnknownPresetError,
  WaitTimeoutError,
} from './errors';
export { EXPERIMENTS, getExperiment, PAPER_EPOCHS, paperScale } from './experiments';
export { figureSpec } from './figure';
export { linspace, resolveGrid } from './grid';
export { getPreset, PRESETS, type Preset, type ScaleOverrides, validatePreset } from './presets';
export { describeReductions, type ResolvedExperiment, resolveExperiment } from './resolve';
export {
  type BoundaryRecord,
  type BoundaryRepeat,
  type CellResult,
  type CurveRecord,
  type DataRecord,
  type EpochRecord,
  type EvaluationRecord,
  type ModelRecord,
  type ModelRole,
  RESULT_FORMAT,
  RESULT_FORMATS,
  type ResultFormat,
  type TrainingRecord,
} from './result';
export {
  ATTACK_KINDS,
  type AttackKind,
  type AttackSpec,
  type EpsilonGrid,
  type ExperimentSpec,
  type TunedSpec,
  type TuningSpec,
  type InputScalingName,
  LEARNING_RATE_SCHEDULES,
  type LearningRateScheduleName,
  type NoiseAttackKind,
  type PairRangeName,
  REGULARIZATION_DATASETS,
  REGULARIZATION_SELECTIONS,
  type RegularizationDataset,
  type RegularizationSelectionName,
  type RegularizationTransform,
  SPEC_FORMAT,
  type ScaleSpec,
  TASK_DATASETS,
  type TaskDataset,
} from './spec';
export { meanSem, median } from './stats';
export type { BlackBoxThreat, MeanSem, MeanSemList } from './kinds/black-box';
export type { BoundaryAttackSpec } from './kinds/boundary';
export type { CorruptionsRecord, CorruptionsSpec, CorruptionsSummary } from './kinds/corruptions';
export type { CurveAttackSpec } from './kinds/curve';
export type {
  HopSkipJumpRecord,
  HopSkipJumpSpec,
  HopSkipJumpSummary,
  HopSkipJumpThreatRecord,
} from './kinds/hop-skip-jump';
export type {
  AnyEvaluationKind,
  CsvRow,
  EvaluationContext,
  EvaluationKind,
  KindRecord,
  KindSection,
  KindSpecContext,
  SeedRecords,
  TestImages,
} from './kinds/kind';
export { EVALUATION_KINDS, evaluationKind } from './kinds/registry';
export type { SquareAttackSpec, SquareRecord, SquareSummary, SquareThreatRecord } from './kinds/square';
export { validateSpec } from './validate';
export { summaryTables } from './table';
export { canonicalJson, sameScience, scienceOf } from './science';
export {
  type Accuracies,
  type BaselineObservation,
  MIN_CLEAN_RATIO,
  type PairObservation,
  type RatioStats,
  SELECTION_RULE,
  selectPair,
  TUNE_FORMAT,
  type TuneCell,
  type TuneResult,
  type TuneSelection,
  tuneCells,
  tuneTable,
  tuneVerdict,
} from './tune';
export { NoTunedPairError, TuneMetricUnsupportedError, TuneSeedOverlapError } from './tune-errors';
export { tuneFigureSpec } from './tune-figure';
