import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the installed `@pixsim/experiments`, read from its package.json: the nearest one above this
 * file named `@pixsim/experiments` (the sources and the bundles in dist/ sit at different depths).
 */
export function experimentsVersion(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@pixsim/experiments' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No (readable) package.json here: keep going up.
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
