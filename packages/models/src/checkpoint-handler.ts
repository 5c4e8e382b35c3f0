import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readFileIfExists, removeStaleTemporaries, sha256 } from './atomic-file';
import {
  PACKAGE,
  CheckpointNotFoundError,
  CorruptCheckpointError,
  InvalidOptionError,
  TruncatedWeightsError,
  UnsupportedModelError,
} from './errors';
import { isTensorSpec, specBytes, type TensorSpec } from './weights-codec';
import { writeFiles } from './write-checkpoint';

/** Name of the JSON file of a checkpoint directory (the tfjs `model.json` layout, plus a `pixsim` field). */
export const MODEL_JSON = 'model.json';

/**
 * Version of the `pixsim` section of `model.json`. Version 2 adds `jsonSha256`, a SHA-256 of the whole
 * `model.json` (topology, manifest, file records and metadata); version-1 checkpoints still load.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;

/** Binary files are named `<kind>.<first 16 hex digits of their SHA-256>.bin`. */
const BIN_PATTERN = /^(weights|optimizer|tensors)\.[0-9a-f]{16}\.bin$/;

/** Record of one binary file in `model.json`. */
export interface FileRecord {
  byteLength: number;
  sha256: string;
}

/** The `pixsim` section of `model.json`. */
export interface CheckpointSection {
  formatVersion: number;
  files: Record<string, FileRecord>;
  optimizer: { className: string; config: unknown; file: string; specs: TensorSpec[] } | null;
  tensors: { file: string; specs: TensorSpec[] } | null;
  metadata: Record<string, unknown>;
  /** SHA-256 of `model.json` written without this field (format 2). */
  jsonSha256?: string;
}

/** Optimizer state and extra tensors already encoded, to be written beside the model. */
export interface EncodedExtras {
  optimizer?: { className: string; config: unknown; data: Uint8Array; specs: TensorSpec[] };
  tensors?: { data: Uint8Array; specs: TensorSpec[] };
  metadata: Record<string, unknown>;
}

/** What {@link CheckpointIOHandler.load} read besides the model artifacts. */
export interface LoadedExtras {
  section: CheckpointSection;
  optimizerData?: Uint8Array;
  tensorsData?: Uint8Array;
}

function binName(kind: string, bytes: Uint8Array): { name: string; record: FileRecord } {
  const hash = sha256(bytes);
  return { name: `${kind}.${hash.slice(0, 16)}.bin`, record: { byteLength: bytes.byteLength, sha256: hash } };
}

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data == null) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A `tf.io.IOHandler` that stores a model in a directory on disk without `tfjs-node`: `model.json`
 * (tfjs `layers-model` layout: topology + weights manifest) and `weights.<hash>.bin`, plus optional
 * optimizer state, extra tensors and JSON metadata (given to the constructor). Usable directly:
 * `model.save(new CheckpointIOHandler(dir))`, `tfl.loadLayersModel(new CheckpointIOHandler(dir))`.
 *
 * Atomicity: each binary file is written under a content-hashed name (temp file, fsync, rename), then
 * `model.json`, which references them, replaces the old one by rename; only then are binaries no
 * longer referenced deleted. At every instant the directory holds a complete old or a complete new
 * checkpoint. `load()` verifies every binary's length (short ⇒ {@link TruncatedWeightsError}) and
 * SHA-256 (⇒ {@link CorruptCheckpointError}). Do not save two checkpoints to one directory concurrently.
 */
export class CheckpointIOHandler implements tf.io.IOHandler {
  /** After `load()`: optimizer state, tensors and metadata read from the directory. */
  loaded: LoadedExtras | undefined;

  /** @throws {InvalidOptionError} unless `dir` is a non-empty string. */
  constructor(
    readonly dir: string,
    private readonly extras: EncodedExtras = { metadata: {} },
  ) {
    if (typeof dir !== 'string' || dir === '') {
      throw new InvalidOptionError(
        PACKAGE,
        `CheckpointIOHandler: dir must be a non-empty folder path, got ${typeof dir === 'string' ? "''" : typeof dir}; ` +
          "pass the checkpoint folder, e.g. new CheckpointIOHandler('runs/ckpt').",
      );
    }
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology == null) {
      throw new UnsupportedModelError(
        PACKAGE,
        'saveCheckpoint: the model produced no JSON topology (a graph model?). Save a tf.LayersModel.',
      );
    }
    const files: Record<string, FileRecord> = {};
    const weights = toBytes(artifacts.weightData);
    const bins: Array<{ name: string; bytes: Uint8Array }> = [];
    const add = (kind: string, bytes: Uint8Array): string => {
      const { name, record } = binName(kind, bytes);
      files[name] = record;
      bins.push({ name, bytes });
      return name;
    };
    const weightsFile = add('weights', weights);
    const { optimizer, tensors, metadata } = this.extras;
    const section: CheckpointSection = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      files,
      optimizer: optimizer
        ? {
            className: optimizer.className,
            config: optimizer.config,
            file: add('optimizer', optimizer.data),
            specs: optimizer.specs,
          }
        : null,
      tensors: tensors ? { file: add('tensors', tensors.data), specs: tensors.specs } : null,
      metadata,
    };
    const json = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      pixsim: section,
    };
    section.jsonSha256 = sha256(new TextEncoder().encode(JSON.stringify(json)));
    await writeFiles(this.dir, bins, new TextEncoder().encode(JSON.stringify(json)), files);
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
        weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        weightDataBytes: weights.byteLength,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const jsonPath = join(this.dir, MODEL_JSON);
    const raw = await readFileIfExists(jsonPath);
    if (raw != null) await removeStaleTemporaries(this.dir);
    if (raw == null) {
      throw new CheckpointNotFoundError(
        `loadCheckpoint: ${jsonPath} does not exist. Check the directory, or save a checkpoint there first ` +
          'with saveCheckpoint().',
      );
    }
    const corrupt = (what: string): never => {
      throw new CorruptCheckpointError(
        `loadCheckpoint: ${jsonPath} ${what}. The checkpoint is damaged or was not written by saveCheckpoint(); ` +
          'restore it from a complete copy or load an earlier checkpoint.',
      );
    };
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return corrupt('is not valid JSON');
    }
    if (json == null || typeof json !== 'object') return corrupt('is not a JSON object');
    const manifest = json.weightsManifest as tf.io.WeightsManifestConfig | undefined;
    const section = json.pixsim as CheckpointSection | undefined;
    if (json.modelTopology == null || typeof json.modelTopology !== 'object') corrupt('has no modelTopology');
    if (!Array.isArray(manifest) || manifest.length !== 1 || manifest[0].paths?.length !== 1) {
      corrupt('has no single-file weightsManifest');
    }
    if (section == null || typeof section !== 'object' || ![1, 2].includes(section.formatVersion)) {
      corrupt(`has no pixsim section of format version 1 or ${CHECKPOINT_FORMAT_VERSION}`);
    }
    if (section!.formatVersion >= 2) {
      const recorded = section!.jsonSha256;
      delete section!.jsonSha256;
      if (recorded !== sha256(new TextEncoder().encode(JSON.stringify(json)))) {
        corrupt('does not match its recorded SHA-256 (the file was edited or damaged after saving)');
      }
    }
    const weightSpecs = manifest![0].weights;
    if (
      !Array.isArray(weightSpecs) ||
      !weightSpecs.every((s) => isTensorSpec(s) && (s as { quantization?: unknown }).quantization == null)
    ) {
      corrupt('has malformed weight specs');
    }
    const readBin = async (file: string, specs: readonly TensorSpec[]): Promise<Uint8Array> => {
      const record = section!.files?.[file];
      if (record == null || !BIN_PATTERN.test(file)) return corrupt(`does not record the file '${file}'`);
      const needed = specs.reduce((a, s) => a + specBytes(s), 0);
      if (needed !== record.byteLength)
        corrupt(`records ${record.byteLength} bytes for ${file}, specs need ${needed}`);
      const bytes = await readFileIfExists(join(this.dir, file));
      if (bytes == null) return corrupt(`references ${file}, which is missing`);
      if (bytes.byteLength < record.byteLength) {
        throw new TruncatedWeightsError(join(this.dir, file), record.byteLength, bytes.byteLength);
      }
      if (bytes.byteLength > record.byteLength) {
        corrupt(`records ${record.byteLength} bytes for ${file} but it holds ${bytes.byteLength}`);
      }
      if (sha256(bytes) !== record.sha256)
        corrupt(`records a SHA-256 for ${file} that its contents do not match`);
      return bytes;
    };
    const checkSpecs = (specs: unknown, what: string): TensorSpec[] => {
      if (!Array.isArray(specs) || !specs.every(isTensorSpec)) return corrupt(`has malformed ${what} specs`);
      return specs;
    };
    const weights = await readBin(manifest![0].paths[0], weightSpecs as TensorSpec[]);
    const loaded: LoadedExtras = { section: section! };
    if (section!.optimizer != null) {
      const specs = checkSpecs(section!.optimizer.specs, 'optimizer');
      loaded.optimizerData = await readBin(section!.optimizer.file, specs);
    }
    if (section!.tensors != null) {
      const specs = checkSpecs(section!.tensors.specs, 'tensor');
      loaded.tensorsData = await readBin(section!.tensors.file, specs);
    }
    if (section!.metadata == null || typeof section!.metadata !== 'object') corrupt('has no metadata object');
    this.loaded = loaded;
    return {
      modelTopology: json.modelTopology as object,
      format: json.format as string | undefined,
      generatedBy: json.generatedBy as string | undefined,
      convertedBy: json.convertedBy as string | null | undefined,
      ...(json.trainingConfig ? { trainingConfig: json.trainingConfig as tf.io.TrainingConfig } : {}),
      weightSpecs,
      weightData: weights.slice().buffer as ArrayBuffer,
    };
  }
}
