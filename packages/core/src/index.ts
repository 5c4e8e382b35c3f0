export { runReadsAsync, runReadsSync, type TensorReads, type TensorValues } from './reads';
export { PixsimError, type PixsimErrorClass, type PixsimErrorOptions } from './errors';
export {
  describeValue,
  isNumberList,
  isOptionsObject,
  isPlainObject,
  isTensor,
  type ModelFault,
  modelFault,
} from './guards';
export {
  InvalidInputError,
  InvalidLabelsError,
  InvalidOptionError,
  MissingPackageError,
  NonFiniteValueError,
  ShapeMismatchError,
  UnknownDatasetError,
  UnsupportedModelError,
} from './shared-errors';
export { type GeneratorAlgorithm, SeededGenerator } from './random/generator';
export { hashString } from './random/mix';
export { mulberry32, permutation, type Random, randomInt, shuffleInPlace } from './random/sampling';
export { combineSeeds, deriveSeed, deriveSeedMurmur, mixSeed } from './random/streams';
