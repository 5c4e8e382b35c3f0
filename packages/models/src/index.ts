/**
 * `@pixsim/models`: ResNet18/34 with feature taps for TensorFlow.js, universal (browsers, web workers,
 * Node). Checkpoints on disk are in the Node entry `@pixsim/models/node`.
 *
 * @packageDocumentation
 * @module @pixsim/models
 */
export {
  ArchitectureMismatchError,
  CheckpointNotFoundError,
  CheckpointWriteError,
  CorruptCheckpointError,
  InvalidMetadataError,
  InvalidOptionError,
  ModelError,
  type ModelErrorCode,
  OptimizerMismatchError,
  TruncatedWeightsError,
  UnknownTapError,
  UnsupportedModelError,
} from './errors';
export { featureModel } from './feature-model';
export { initializeLikePyTorch, MAX_SEED } from './init';
export {
  LOGITS_LAYER,
  RESNET_STAGE_STRIDES,
  RESNET_STAGE_WIDTHS,
  RESNET_TAPS,
  RESNET_VARIANTS,
  RESNET18_BLOCKS,
  RESNET34_BLOCKS,
  type ResNetOptions,
  type ResNetTap,
  type ResNetVariant,
  resnet18,
  resnet34,
} from './resnet';
export type { TensorSpec } from './weights-codec';
