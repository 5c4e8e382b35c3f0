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
export { boundaryIndices, classifierOf, evaluateBoundary, evaluateCurve } from './node/evaluate';
export { canonicalJson, hashOf, weightFingerprint } from './node/fingerprint';
export { loadExperiment, loadPreset } from './node/load';
export { CellProgress, formatDuration, type ProgressStream } from './node/progress';
export { type FigureFiles, renderFigure, svgToPng, vegaLiteToSvg } from './node/render';
export { writeReport } from './node/report';
export { presetDir, type ReproduceOptions, type ReproduceOutcome, reproduce } from './node/reproduce';
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
