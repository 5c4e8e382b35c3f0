/**
 * Real data on disk for tests, found by the one lookup of `@pixsim/datasets` (`$PIXSIM_DATA_DIR`, else
 * `../shared/data` beside the checkout). A suite whose data is absent is skipped with a reason naming the
 * data set and how to get it; under `CI=true` it fails instead, so CI's coverage cannot shrink silently.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { DATA_FOLDERS, type DataFolderName, findDataRoot } from '../packages/datasets/src/data-root';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** How to get each data set, for the skip reason. */
const HOW_TO_GET: Record<DataFolderName, string> = {
  cifar10: 'fetch it with `npx -y pnpm@10 pixsim data fetch cifar10 --dir <folder>`',
  cifar100: 'fetch it with `npx -y pnpm@10 pixsim data fetch cifar100 --dir <folder>`',
  'imagenet-sample':
    'pixsim cannot download it (ImageNet needs a licence): copy the folder from a machine that has it',
  'tiny-imagenet': 'pixsim cannot download it: copy the folder from a machine that has it',
};

/** Where the data of a suite is, or why it is not there. */
export type RealData = { found: true; dirs: string[] } | { found: false; reason: string };

/** Looks up the folders of `names` under the data root; on failure says which one and how to get it. */
export function findRealData(names: readonly DataFolderName[]): RealData {
  const root = findDataRoot({ cwd: REPO_ROOT });
  const dirs: string[] = [];
  for (const name of names) {
    const folder = DATA_FOLDERS[name];
    const where =
      root == null
        ? 'no data root ($PIXSIM_DATA_DIR unset and no ../shared/data beside the checkout)'
        : `${join(root.dir, folder)} does not exist`;
    if (root == null || !isFolder(join(root.dir, folder))) {
      return {
        found: false,
        reason: `${name} (${folder}/) not found: ${where}; ${HOW_TO_GET[name]}, and set PIXSIM_DATA_DIR to the folder holding ${folder}/`,
      };
    }
    dirs.push(join(root.dir, folder));
  }
  return { found: true, dirs };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `describe(title, …)` for a suite that reads real data sets `names`. `body` gets their folders, in order.
 * Absent data: the suite is skipped (title and a stderr line say why), or fails under `CI=true`.
 */
export function describeWithData(
  names: readonly DataFolderName[],
  title: string,
  body: (dirs: string[]) => void,
): void {
  const data = findRealData(names);
  if (data.found) {
    describe(title, () => body(data.dirs));
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs real data: ${names.join(', ')}`, () => {
        throw new Error(`Real data missing under CI=true: ${data.reason}.`);
      });
    });
    return;
  }
  console.warn(`[pixsim] skipped suite "${title}": ${data.reason}.`);
  describe.skip(`${title} (skipped: ${data.reason})`, () => body(names.map(() => '')));
}
