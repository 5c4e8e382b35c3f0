export type { AugmentOptions, ResolvedAugment } from './augment';
export { type Batch, type BatchOptions, batches } from './batches';
export { type Cifar100Options, cifar10, cifar100 } from './cifar';
export {
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR10_CLASSES,
  type CifarKind,
  type CifarRecords,
  parseCifarRecords,
} from './cifar-format';
export {
  BadFormatError,
  BadMagicError,
  CacheFolderError,
  ChecksumMismatchError,
  CountMismatchError,
  DatasetError,
  type DatasetErrorCode,
  DecodeError,
  DownloadFailedError,
  DownloadInterruptedError,
  DownloadTimeoutError,
  EmptyFolderError,
  InvalidOptionError,
  MissingFileError,
  MissingPackageError,
  OfflineError,
  SizeMismatchError,
  TruncatedFileError,
  UnknownDatasetError,
} from './errors';
export { type FashionMnistOptions, fashionMnist } from './fashion-mnist';
export { type IdxArray, parseIdx, readIdx } from './idx';
export { type Holdout, ImageDataset, type ImageDatasetInit, type Split } from './image-dataset';
export { type ImageFolderOptions, imageFolder } from './image-folder';
export type { ImageFolderTransform } from './image-folder-options';
export { FASHION_MNIST_CLASSES, type IdxFolderOptions, MNIST_CLASSES, mnist, type TrainTest } from './mnist';
export {
  type GreyMode,
  type ImageSource,
  imagesToTensor,
  type PixelScale,
  type PreprocessOptions,
  taskPixelScale,
} from './preprocess';
export {
  type RegularizationSelection,
  regularizationChoice,
  regularizationIndices,
  regularizationOrder,
  type RegularizationSet,
  type RegularizationSetOptions,
  regularizationSet,
} from './regularization';
export {
  DATA_FOLDERS,
  type DataFolderName,
  type DataRoot,
  type FindDataRootOptions,
  findDataFolder,
  findDataRoot,
  findPixsimCheckout,
} from './data-root';
export {
  type DataLocation,
  dataLocations,
  defaultCacheDir,
  fetchRoot,
  findDataset,
  LOCATABLE_DATASETS,
  type LocatableDataset,
} from './data-locate';
export { type DownloadOptions, type DownloadResult, download, downloadFile } from './download';
export { LOCK_STALE_MS } from './download-lock';
export {
  DATASET_SOURCES,
  type DatasetName,
  type DatasetSource,
  datasetSource,
  type RemoteFile,
} from './sources';
