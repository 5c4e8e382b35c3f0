import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findDataRoot } from '@pixsim/datasets';

/** The nearest folder at or above `from` holding `pnpm-workspace.yaml` (the pixsim repository), if any. */
export function findRepositoryRoot(from = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Where the Tiny-ImageNet stand-in may be, in order: `$PIXSIM_IMAGENET_STANDIN`, then
 * `../shared/data/tiny-imagenet-5k` beside the working folder and beside the repository, then
 * `tiny-imagenet-5k` under the data root (`findDataRoot`: `$PIXSIM_DATA_DIR`, …).
 */
export function standInCandidates(cwd = process.cwd()): string[] {
  const out: string[] = [];
  if (process.env.PIXSIM_IMAGENET_STANDIN) out.push(resolve(process.env.PIXSIM_IMAGENET_STANDIN));
  out.push(resolve(cwd, '../shared/data/tiny-imagenet-5k'));
  const root = findRepositoryRoot(cwd);
  if (root) out.push(resolve(root, '../shared/data/tiny-imagenet-5k'));
  const dataRoot = findDataRoot({ cwd });
  if (dataRoot) out.push(join(dataRoot.dir, 'tiny-imagenet-5k'));
  return [...new Set(out)];
}

/** True when `path` is an existing folder. */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
