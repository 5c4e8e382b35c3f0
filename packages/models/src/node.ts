/**
 * `@pixsim/models/node`: everything of `@pixsim/models` plus the checkpoints on disk, which need Node's
 * file system ({@link saveCheckpoint}, {@link loadCheckpoint}, {@link CheckpointIOHandler}). The main entry
 * `@pixsim/models` is universal (browsers, web workers, Node) and holds no file-system code.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, resnet18, saveCheckpoint } from '@pixsim/models/node';
 * ```
 * @packageDocumentation
 * @module @pixsim/models/node
 */
export * from './index';
export {
  type CheckpointContents,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
export {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointIOHandler,
  type CheckpointSection,
  type EncodedExtras,
  type FileRecord,
  type LoadedExtras,
  MODEL_JSON,
} from './checkpoint-handler';
