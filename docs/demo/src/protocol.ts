import type { NoiseRecord, ProbeRecord, StepRecord } from './experiment';
import type { DemoSettings, RunKind } from './settings';

/** The engines the page offers: `auto` is wasm (with pixsim's training kernels), else cpu. */
export type EnginePreference = 'auto' | 'wasm' | 'cpu';

/** Page → worker. */
export type ToWorker =
  | { type: 'start'; settings: DemoSettings; engine: EnginePreference; dataUrl: string }
  | { type: 'stop' };

/** What the worker knows once the data is loaded. */
export interface DataInfo {
  trainCount: number;
  testCount: number;
  /** Pairs i<j of the regularization images. */
  pairCount: number;
  /** Share of those pairs whose `S^Th` target is ±1. */
  nonZeroShare: number;
  /** Pixels (0–255) of the fixed digits, 784 bytes each. */
  fixedImages: Uint8Array;
  fixedLabels: number[];
  /** n×n `S^Th` of the fixed digits. */
  fixedTargets: Float32Array;
}

/** Worker → page. */
export type FromWorker =
  | { type: 'engine'; backend: string; detail: string }
  | { type: 'data'; info: DataInfo }
  | { type: 'phase'; kind: RunKind }
  | { type: 'step'; record: StepRecord }
  | { type: 'probe'; record: ProbeRecord }
  | { type: 'noise'; record: NoiseRecord }
  | { type: 'done'; numTensors: number; stopped: boolean }
  | { type: 'error'; message: string };
