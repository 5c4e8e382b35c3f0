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
      const entry = entries.get(dir);
      if (!entry) throw new CheckpointError(`memoryCheckpointStore: no checkpoint saved in '${dir}'.`);
      if (!into.model) {
        throw new CheckpointError('memoryCheckpointStore.load: pass the model to restore the weights into.');
      }
      into.model.setWeights(entry.weights);
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
