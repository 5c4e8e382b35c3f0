import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertLiveModel } from './live-model';
import { CheckpointIOHandler, type EncodedExtras } from './checkpoint-handler';
import { PACKAGE, ArchitectureMismatchError, InvalidOptionError, OptimizerMismatchError } from './errors';
import { assertJsonSafe } from './json-safe';
import type { resnet18, resnet34 } from './resnet';
import { decodeTensors, encodeTensors, type NamedTensor, type TensorSpec } from './weights-codec';

/** What {@link saveCheckpoint} writes. */
export interface CheckpointContents {
  /** The model: topology and every weight (BN running statistics included). */
  model: tfl.LayersModel;
  /** Its `getWeights()` state (iteration count, momenta...) is saved. */
  optimizer?: tf.Optimizer;
  /** JSON: epoch, seed, config, metrics... Must round-trip through JSON exactly (no NaN/Infinity/undefined). */
  metadata?: Record<string, unknown>;
  /** Extra named state (e.g. a regularizer's running means); float32, int32 or bool tensors. */
  tensors?: Record<string, tf.Tensor>;
}

/** What {@link loadCheckpoint} returns. The caller owns `model` (unless passed in) and `tensors`. */
export interface LoadedCheckpoint {
  model: tfl.LayersModel;
  metadata: Record<string, unknown>;
  tensors: Record<string, tf.Tensor>;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Load the weights into this model (after an architecture check) instead of rebuilding it from `model.json`. */
  model?: tfl.LayersModel;
  /** Restore the saved optimizer state into this optimizer (same class as the saved one). */
  optimizer?: tf.Optimizer;
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return x != null && typeof x === 'object' && !Array.isArray(x);
}

/** A never-throwing description of a bad argument (a disposed tensor cannot be printed). */
function describeDir(x: unknown): string {
  if (x === null || typeof x !== 'object') return typeof x === 'string' ? `'${x}'` : String(x);
  return Array.isArray(x) ? `an array of length ${x.length}` : `a ${x.constructor?.name ?? 'plain'} object`;
}

/**
 * Saves a training checkpoint to directory `dir` (created if needed): `model.json` (tfjs `layers-model`
 * layout, loadable by `tfl.loadLayersModel`) with the weights in `weights.<hash>.bin`, the optimizer
 * state in `optimizer.<hash>.bin`, the extra tensors in `tensors.<hash>.bin` and `metadata` inside
 * `model.json`. Everything needed to resume training exactly: weights, BN running statistics,
 * optimizer iteration count and slots, your own state and counters.
 *
 * Written atomically through {@link CheckpointIOHandler}: an interrupted save leaves the previous
 * checkpoint intact. Allocates no tensors that outlive the call.
 *
 * @example
 * ```ts
 * await saveCheckpoint('runs/mnist/epoch-3', { model, optimizer, metadata: { epoch: 3, seed: 1 } });
 * ```
 * @throws {@link InvalidMetadataError} when `metadata` is not exactly JSON-representable.
 * @throws {@link InvalidOptionError} for a missing model or a tensor that is disposed or not numeric.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const fn = 'saveCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: dir must be a non-empty directory path, got ${describeDir(dir)}.`,
    );
  }
  if (contents == null || !(contents.model instanceof tfl.LayersModel)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: contents.model must be a tf.LayersModel. Pass { model, ... }.`,
    );
  }
  // A disposed model's weights cannot be read: a typed error here, not tfjs's plain Error mid-write.
  assertLiveModel(fn, contents.model);
  const metadata = contents.metadata ?? {};
  if (!isPlainRecord(metadata)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: metadata must be a plain object, e.g. { epoch: 3 }.`);
  }
  assertJsonSafe(fn, metadata);
  const extras: EncodedExtras = { metadata };
  if (contents.tensors != null) {
    if (!isPlainRecord(contents.tensors)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: tensors must be a record of named tensors, e.g. { mean: t }.`,
      );
    }
    const named: NamedTensor[] = [];
    for (const [name, tensor] of Object.entries(contents.tensors)) {
      if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) {
        throw new InvalidOptionError(
          PACKAGE,
          `${fn}: tensors.${name} is not a live tf.Tensor. Pass undisposed tensors (clone them if needed).`,
        );
      }
      named.push({ name, tensor });
    }
    extras.tensors = await encodeTensors(fn, named);
  }
  if (contents.optimizer != null) {
    const optimizer = contents.optimizer;
    if (!(optimizer instanceof tf.Optimizer)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: optimizer must be a tf.Optimizer (e.g. tf.train.momentum(0.1, 0.9)).`,
      );
    }
    const state = await optimizer.getWeights();
    try {
      const encoded = await encodeTensors(fn, state);
      extras.optimizer = {
        className: optimizer.getClassName(),
        config: optimizer.getConfig(),
        ...encoded,
      };
    } finally {
      // getWeights() returns the live slot variables plus a fresh iteration-count scalar: free the latter.
      for (const { tensor } of state) if (!(tensor instanceof tf.Variable)) tensor.dispose();
    }
  }
  await contents.model.save(new CheckpointIOHandler(dir, extras));
}

/** Layer (class, name) and weight (name, shape) lists of a saved topology and specs. */
function savedArchitecture(topology: unknown, specs: readonly TensorSpec[]) {
  const config = (topology as { config?: { layers?: unknown } } | undefined)?.config;
  const layers = Array.isArray(config?.layers) ? (config.layers as Array<Record<string, unknown>>) : [];
  return {
    layers: layers
      .map(
        (l) =>
          `${String(l.class_name)} '${String((l.config as { name?: unknown } | undefined)?.name ?? l.name)}'`,
      )
      .filter((l) => !l.startsWith('InputLayer ')),
    weights: specs.map((s) => `${s.name} [${s.shape.join(', ')}]`),
  };
}

function modelArchitecture(model: tfl.LayersModel) {
  return {
    layers: model.layers
      .map((l) => `${l.getClassName()} '${l.name}'`)
      .filter((l) => !l.startsWith('InputLayer ')),
    weights: model.weights.map((w) => `${w.originalName} [${w.shape.join(', ')}]`),
  };
}

function assertSameArchitecture(
  model: tfl.LayersModel,
  topology: unknown,
  specs: readonly TensorSpec[],
  dir: string,
) {
  const saved = savedArchitecture(topology, specs);
  const current = modelArchitecture(model);
  for (const key of ['layers', 'weights'] as const) {
    const a = saved[key];
    const b = current[key];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) {
        throw new ArchitectureMismatchError(
          `loadCheckpoint: the checkpoint in ${dir} is of a different architecture than model '${model.name}': ` +
            `${key === 'layers' ? 'layer' : 'weight'} #${i} is ${a[i] ?? '(none)'} in the checkpoint but ` +
            `${b[i] ?? '(none)'} in the model (${a.length} vs ${b.length} ${key}). Build the model with the ` +
            'options the checkpoint was saved with (see its metadata), or omit options.model to rebuild it ' +
            'from model.json.',
        );
      }
    }
  }
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}.
 *
 * With `options.model`, the saved weights are loaded into that model after an architecture check
 * (same layers and weight shapes), and it is returned; otherwise a new model is rebuilt from
 * `model.json`. With `options.optimizer`, the saved optimizer state is restored into it, so the next
 * step continues exactly where the saved run stopped. tf optimizers match slots to variables by position
 * (creation order, or the `varList` given to `minimize`): models from {@link resnet18}/{@link resnet34}
 * and models rebuilt here create their variables in the same order; create any other trainable variables
 * in the same order as in the saved run, or pass an explicit `varList`.
 *
 * @example
 * ```ts
 * const optimizer = tf.train.momentum(0.1, 0.9);
 * const { metadata } = await loadCheckpoint('runs/mnist/epoch-3', { model, optimizer });
 * ```
 * @throws {@link CheckpointNotFoundError} when `dir/model.json` does not exist.
 * @throws {@link TruncatedWeightsError} when a binary file is shorter than recorded.
 * @throws {@link CorruptCheckpointError} for invalid JSON, a missing file, or a content hash mismatch.
 * @throws {@link ArchitectureMismatchError} when `options.model` has other layers or weight shapes.
 * @throws {@link OptimizerMismatchError} when `options.optimizer` is given but the checkpoint has no
 * optimizer state, or state of another optimizer class.
 */
export async function loadCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const fn = 'loadCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: dir must be a non-empty directory path, got ${describeDir(dir)}.`,
    );
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: options must be { model?, optimizer? } (or left out), got ${describeDir(options)}.`,
    );
  }
  if (options.model != null && !(options.model instanceof tfl.LayersModel)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: options.model must be a tf.LayersModel (or be omitted).`);
  }
  if (options.model != null) assertLiveModel(fn, options.model);
  if (options.optimizer != null && !(options.optimizer instanceof tf.Optimizer)) {
    throw new InvalidOptionError(PACKAGE, `${fn}: options.optimizer must be a tf.Optimizer (or be omitted).`);
  }
  const handler = new CheckpointIOHandler(dir);
  const artifacts = await handler.load();
  const loaded = handler.loaded!;
  const specs = (artifacts.weightSpecs ?? []) as TensorSpec[];
  const saved = loaded.section.optimizer;
  if (options.optimizer != null) {
    if (saved == null) {
      throw new OptimizerMismatchError(
        `${fn}: the checkpoint in ${dir} holds no optimizer state. Save it with saveCheckpoint(dir, { model, ` +
          'optimizer }), or omit options.optimizer to load the model only.',
      );
    }
    if (saved.className !== options.optimizer.getClassName()) {
      throw new OptimizerMismatchError(
        `${fn}: the checkpoint holds ${saved.className} state but options.optimizer is a ` +
          `${options.optimizer.getClassName()}. Pass a ${saved.className} (config ${JSON.stringify(saved.config)}).`,
      );
    }
  }
  let model: tfl.LayersModel;
  if (options.model != null) {
    model = options.model;
    assertSameArchitecture(model, artifacts.modelTopology, specs, dir);
    const values = decodeTensors(new Uint8Array(artifacts.weightData as ArrayBuffer), specs);
    try {
      const map: tf.NamedTensorMap = {};
      for (const { name, tensor } of values) map[name] = tensor;
      model.loadWeights(map, true);
    } finally {
      for (const { tensor } of values) tensor.dispose();
    }
  } else {
    model = await tfl.loadLayersModel(handler);
  }
  if (options.optimizer != null && saved != null) {
    const state = decodeTensors(loaded.optimizerData!, saved.specs);
    try {
      await options.optimizer.setWeights(state);
    } finally {
      // setWeights() makes variables that hold their own reference to the data.
      for (const { tensor } of state) tensor.dispose();
    }
  }
  const tensors: Record<string, tf.Tensor> = {};
  if (loaded.section.tensors != null) {
    for (const { name, tensor } of decodeTensors(loaded.tensorsData!, loaded.section.tensors.specs)) {
      tensors[name] = tensor;
    }
  }
  return { model, metadata: loaded.section.metadata, tensors };
}
