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
export { type AtanhLossOptions, type AtanhLossScale, atanhSquaredLoss, mseLoss } from './losses';
export { PAIR_RANGES, type PairRange, type SelectPairsOptions, selectPairs } from './pairs';
export { type PixelSimilarityOptions, pixelSimilarity } from './pixel-similarity';
export {
  averageRanks,
  pearsonCorrelation,
  type RsaCorrelationOptions,
  rsaCorrelation,
  upperTriangle,
} from './rsa';
export { type SimilarityMatrixOptions, similarityMatrix, type ZeroVariancePolicy } from './similarity-matrix';
export { categoricalTargets, thresholdTargets } from './targets';
export type { SquareMatrix } from './validate';
