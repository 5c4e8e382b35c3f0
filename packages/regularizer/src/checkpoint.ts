import { describeValue } from '@pixsim/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CheckpointError } from './errors';

/** JSON-serialisable checkpoint metadata. */
export type CheckpointMetadata = Record<string, unknown>;

/** What a checkpoint holds (the signature of `saveCheckpoint` in `@pixsim/models`). */
export interface CheckpointContents {
  model: tfl.LayersModel;
  optimizer?: tf.Optimizer;
  metadata?: CheckpointMetadata;
  /** Extra named tensors, e.g. the regularizer's running means and `w`. */
  tensors?: tf.NamedTensorMap;
}

/** A loaded checkpoint: the model (weights restored in place) and the saved metadata and tensors. */
export interface LoadedCheckpoint {
  model: tfl.LayersModel;
  metadata: CheckpointMetadata;
  /** Owned by the caller (dispose them). */
  tensors: tf.NamedTensorMap;
}

/**
 * Where the trainer saves and restores checkpoints, identified by a directory (a key: any string for a
 * store that is not a file system). `save`/`load` follow `saveCheckpoint(dir, contents)` /
 * `loadCheckpoint(dir, { model, optimizer })` of `@pixsim/models/node` (load restores the weights and
 * optimizer state in place). `exists` tells a resume whether `dir` holds a checkpoint; without it, the
 * Node `train()` checks that the directory exists on disk and the universal `train()` cannot resume.
 * Implementations: {@link memoryCheckpointStore} (everywhere), `fileCheckpointStore()` of
 * `@pixsim/regularizer/node` (files), or your own (IndexedDB, a server, …).
 */
export interface CheckpointStore {
  save(dir: string, contents: CheckpointContents): Promise<void>;
  load(dir: string, into: { model?: tfl.LayersModel; optimizer?: tf.Optimizer }): Promise<LoadedCheckpoint>;
  exists?(dir: string): boolean | Promise<boolean>;
}

/** A tensor with a name, as `tf.Optimizer.getWeights()` returns them. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

interface MemoryEntry {
  weights: tf.Tensor[];
  optimizer: NamedTensor[] | null;
  metadata: string;
  tensors: tf.NamedTensorMap;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Throws {@link CheckpointError} unless `dir` is a non-empty string. Shared with the file store of the Node entry.
 * @internal
 */
export function assertDir(fn: string, dir: unknown): void {
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError(
      `${fn}: dir must be a non-empty checkpoint directory name, got ${describeValue(dir)}.`,
    );
  }
}

/** Throws {@link CheckpointError} unless `contents` is `{ model, optimizer?, metadata?, tensors? }`. Shared with the file store of the Node entry.
 * @internal
 */
export function assertContents(fn: string, contents: unknown): void {
  const c = contents as Partial<CheckpointContents> | null;
  if (!isObject(c) || !isObject(c.model) || typeof c.model.getWeights !== 'function') {
    throw new CheckpointError(
      `${fn}: contents must be { model, optimizer?, metadata?, tensors? } with a tf.LayersModel, got ${describeValue(contents)}.`,
    );
  }
  if (c.optimizer !== undefined && !(c.optimizer instanceof tf.Optimizer)) {
    throw new CheckpointError(
      `${fn}: contents.optimizer must be a tf.Optimizer, got ${describeValue(c.optimizer)}.`,
    );
  }
  if (c.metadata !== undefined && !isObject(c.metadata)) {
    throw new CheckpointError(
      `${fn}: contents.metadata must be a plain object, got ${describeValue(c.metadata)}.`,
    );
  }
  if (c.tensors !== undefined) {
    if (!isObject(c.tensors)) {
      throw new CheckpointError(
        `${fn}: contents.tensors must be { name: tensor }, got ${describeValue(c.tensors)}.`,
      );
    }
    for (const [name, t] of Object.entries(c.tensors)) {
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        throw new CheckpointError(
          `${fn}: contents.tensors.${name} must be a live tensor, got ${describeValue(t)}${t instanceof tf.Tensor ? ' (disposed)' : ''}.`,
        );
      }
    }
  }
}

/** Throws {@link CheckpointError} unless `into` is `{ model?, optimizer? }`. Shared with the file store of the Node entry.
 * @internal
 */
export function assertInto(fn: string, into: unknown): void {
  const i = into as { model?: unknown; optimizer?: unknown } | null;
  if (
    !isObject(i) ||
    (i.model !== undefined && !(isObject(i.model) && typeof i.model.setWeights === 'function')) ||
    (i.optimizer !== undefined && !(i.optimizer instanceof tf.Optimizer))
  ) {
    throw new CheckpointError(
      `${fn}: into must be { model, optimizer? } naming the tf.LayersModel to restore into, got ${describeValue(into)}.`,
    );
  }
}

/** A {@link CheckpointStore} in memory (tests, short experiments); `dispose()` frees what it holds. */
export interface MemoryCheckpointStore extends CheckpointStore {
  /** Directories saved so far. */
  readonly dirs: string[];
  dispose(): void;
}

/**
 * A {@link CheckpointStore} that keeps copies of the weights, optimizer state, metadata and tensors in
 * memory. Saving again to the same directory replaces the previous copy.
 */
export function memoryCheckpointStore(): MemoryCheckpointStore {
  const entries = new Map<string, MemoryEntry>();
  const free = (e: MemoryEntry) => {
    tf.dispose(e.weights);
    if (e.optimizer) tf.dispose(e.optimizer.map((w) => w.tensor));
    tf.dispose(Object.values(e.tensors));
  };
  return {
    get dirs() {
      return [...entries.keys()];
    },
    async save(dir, contents) {
      assertDir('memoryCheckpointStore.save', dir);
      assertContents('memoryCheckpointStore.save', contents);
      const weights = contents.model.getWeights().map((w) => tf.clone(w));
      let optimizer: NamedTensor[] | null = null;
      if (contents.optimizer) {
        const raw = await contents.optimizer.getWeights();
        optimizer = raw.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
        // getWeights returns a fresh iteration-count scalar first; the rest are the optimizer's own variables.
        if (raw.length > 0 && raw[0].name === 'iter') raw[0].tensor.dispose();
      }
      const tensors: tf.NamedTensorMap = {};
      for (const [name, t] of Object.entries(contents.tensors ?? {})) tensors[name] = tf.clone(t);
      const previous = entries.get(dir);
      entries.set(dir, { weights, optimizer, metadata: JSON.stringify(contents.metadata ?? {}), tensors });
      if (previous) free(previous);
    },
    async load(dir, into) {
      assertDir('memoryCheckpointStore.load', dir);
      assertInto('memoryCheckpointStore.load', into);
      const entry = entries.get(dir);
      if (!entry) throw new CheckpointError(`memoryCheckpointStore: no checkpoint saved in '${dir}'.`);
      if (!into.model) {
        throw new CheckpointError('memoryCheckpointStore.load: pass the model to restore the weights into.');
      }
      try {
        into.model.setWeights(entry.weights);
      } catch (error) {
        throw new CheckpointError(
          `memoryCheckpointStore.load: the checkpoint in '${dir}' does not fit this model (${(error as Error).message}); restore into a model of the saved architecture.`,
        );
      }
      if (into.optimizer && entry.optimizer) {
        const copies = entry.optimizer.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
        // The optimizer makes its own variables from these (sharing the data), so the copies can go.
        await into.optimizer.setWeights(copies);
        tf.dispose(copies.map((w) => w.tensor));
      }
      const tensors: tf.NamedTensorMap = {};
      for (const [name, t] of Object.entries(entry.tensors)) tensors[name] = tf.clone(t);
      return { model: into.model, metadata: JSON.parse(entry.metadata), tensors };
    },
    exists(dir) {
      return entries.has(dir);
    },
    dispose() {
      for (const e of entries.values()) free(e);
      entries.clear();
    },
  };
}
