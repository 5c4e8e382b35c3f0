import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file (packages/datasets/src → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared real data beside the repository: `<repo>/../shared/data`. */
export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
