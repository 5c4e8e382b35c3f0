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
