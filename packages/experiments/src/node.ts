/**
 * `@pixsim/experiments/node`: runs cells ({@link runCell}), whole reproductions ({@link reproduce}),
 * aggregation of result folders, figure rendering (Vega-Lite → SVG through vega, PNG through sharp) and
 * the Markdown report, and the `pixsim` CLI program. Node only.
 *
 * @packageDocumentation
 */
export * from './index';
export { createProgram, main } from './node/cli';
export {
  type DataOptions,
  loadRegularizationData,
  loadTaskData,
  type RegularizationData,
  type TaskData,
} from './node/data';
export { type EngineInfo, packageVersions } from './node/environment';
export { type ImagenetSource, type ImagenetSourceOptions, imagenetSource } from './node/imagenet';
export {
  boundaryIndices,
  classifierOf,
  evaluateBoundary,
  evaluateBoundaryAsync,
  evaluateCurve,
  evaluateCurveAsync,
} from './node/evaluate';
export { hashOf, weightFingerprint, weightFingerprintAsync } from './node/fingerprint';
export { loadExperiment, loadPreset } from './node/load';
export { CellProgress, formatDuration, type ProgressStream } from './node/progress';
export { type FigureFiles, renderFigure, renderVegaLite, svgToPng, vegaLiteToSvg } from './node/render';
export { writeReport } from './node/report';
export {
  type CellProcessesOptions,
  type CellProcessOutcome,
  runCellProcesses,
} from './node/cell-processes';
export {
  presetDir,
  type ReproduceInProcessesOptions,
  type ReproduceInProcessesOutcome,
  type ReproduceOptions,
  type ReproduceOutcome,
  reproduce,
  reproduceInProcesses,
} from './node/reproduce';
export { aggregateDir, findSummaries, readCells } from './node/results-dir';
export {
  cellDir,
  type RunCellOptions,
  type RunCellOutcome,
  regularizationProvenance,
  runCell,
  specHashOf,
  standInNote,
} from './node/run-cell';
export { parseSeed, parseSeeds } from './node/seeds';
export { modelSeed, SURROGATE_SEED_OFFSET } from './node/train-model';
export {
  acquireCellLock,
  type CellLock,
  currentHolder,
  inspectLock,
  type JobProbe,
  judgeLock,
  LOCK_FILE,
  type LockRecord,
  type LockVerdict,
  type SlurmIdentity,
  slurmIdentity,
  slurmJobLabel,
  squeueProbe,
} from './node/cell-lock';
export {
  clearFailure,
  FAILURE_FILE,
  type FailureRecord,
  readFailure,
  recordFailure,
} from './node/cell-failure';
export { createExclusive, writeJson, writeText } from './node/files';
export { k8sObjects, k8sYaml, type K8sTarget, MANIFEST_MOUNT, writeK8sFiles } from './node/sweep/k8s';
export {
  cellCase,
  defaultSweepName,
  indexRanges,
  planSweep,
  runCommand,
  shellQuote,
  SWEEP_FORMAT,
  type SweepCell,
  type SweepEngine,
  type SweepManifest,
  type SweepRequest,
  type SweepResources,
  type SweepSubmission,
  validateSweepName,
} from './node/sweep/plan';
export {
  EMIT_TARGETS,
  type EmitTarget,
  parseEmitTarget,
  parseMemory,
  parsePositiveInt,
  parseTimeLimit,
  timeLimitSeconds,
} from './node/sweep/resources';
export { aggregateScript, cellsScript, type SlurmFiles, writeSlurmFiles } from './node/sweep/slurm';
export {
  CELL_STATES,
  type CellState,
  type CellStatus,
  cellStatus,
  formatStatus,
  readManifests,
  type StatusOptions,
  type StatusReport,
  sweepStatus,
  waitForSweep,
} from './node/sweep/status';
export {
  jobId,
  runScheduler,
  type SchedulerCommand,
  type SlurmSubmission,
  submitSlurm,
} from './node/sweep/submit';
export { legacySpecHashOf } from './node/spec-hash';
export {
  collectTune,
  type TuneFiles,
  type TuneInProcessesOptions,
  type TuneOptions,
  type TuneOutcome,
  tune,
  tuneInProcesses,
  writeTuneOutputs,
  writeTuneSpecs,
} from './node/tune';
export {
  DEFAULT_TUNE_VALIDATION,
  planTune,
  type TuneGrid,
  type TunePairPlan,
  type TunePlan,
  tuneCellId,
  tuneCellList,
  tuneDir,
} from './node/tune-plan';
export { type PairChoice, readTune, tunedSpec } from './node/tuned';
