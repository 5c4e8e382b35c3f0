export { cosineSimilarity, type CosineSimilarityOptions } from './cosine';
export {
  InvalidInputError,
  InvalidOptionError,
  InvalidRankError,
  NonFiniteValueError,
  ShapeMismatchError,
  SimilarityError,
  type SimilarityErrorCode,
  ZeroVarianceError,
} from './errors';
export {
  type AtanhLossOptions,
  type AtanhLossScale,
  atanhSquaredLoss,
  atanhSquaredLossReads,
  type MseLossOptions,
  mseLoss,
  mseLossReads,
} from './losses';
export { PAIR_RANGES, type PairRange, type SelectPairsOptions, selectPairs, selectPairsReads } from './pairs';
export { type PixelSimilarityOptions, pixelSimilarity, pixelSimilarityReads } from './pixel-similarity';
export { runReadsAsync, runReadsSync, type TensorReads, type TensorValues } from '@pixsim/core';
export {
  averageRanks,
  pearsonCorrelation,
  type RsaCorrelationOptions,
  rsaCorrelation,
  upperTriangle,
} from './rsa';
export {
  type SimilarityMatrixOptions,
  similarityMatrix,
  similarityMatrixReads,
  type ZeroVariancePolicy,
} from './similarity-matrix';
export { categoricalTargets, thresholdTargets, thresholdTargetsReads } from './targets';
export type { SquareMatrix } from './validate';
