import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, MODEL_JSON, saveCheckpoint } from '@pixsim/models/node';
import { assertContents, assertDir, assertInto, type CheckpointStore } from './checkpoint';

/**
 * The {@link CheckpointStore} on disk, and the default of `train()` from `@pixsim/regularizer/node`:
 * `saveCheckpoint` / `loadCheckpoint` of `@pixsim/models/node` (a folder with `model.json`, weights,
 * optimizer state, the regularizer's tensors and the trainer's metadata, written atomically). Loading
 * checks that the model has the saved architecture (layer and weight names), so give every layer a
 * fixed name when you resume in a new process. Malformed arguments are a `CheckpointError`; disk and
 * format faults are the typed errors of `@pixsim/models` (`ModelError.is`), passed through. Node only.
 *
 * @example
 * ```ts
 * import { fileCheckpointStore } from '@pixsim/regularizer/node';
 * import { train } from '@pixsim/regularizer'; // the universal train(), given the store explicitly
 * await train({ ...options, checkpointDir: 'runs/mnist/checkpoints', checkpoint: fileCheckpointStore() });
 * ```
 */
export function fileCheckpointStore(): CheckpointStore {
  return {
    save: async (dir, contents) => {
      assertDir('fileCheckpointStore.save', dir);
      assertContents('fileCheckpointStore.save', contents);
      return saveCheckpoint(dir, contents);
    },
    load: async (dir, into) => {
      assertDir('fileCheckpointStore.load', dir);
      assertInto('fileCheckpointStore.load', into);
      return loadCheckpoint(dir, into);
    },
    exists: (dir) => existsSync(join(dir, MODEL_JSON)),
  };
}
