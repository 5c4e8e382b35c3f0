import { describe, expect, it, vi } from 'vitest';
import { PixsimError } from './errors';
import {
  InvalidInputError,
  InvalidOptionError,
  MissingPackageError,
  ShapeMismatchError,
} from './shared-errors';

/** A package's error family as the packages declare it: a base marked with the package name, and a subclass. */
function family(pkg: string, Base: typeof PixsimError) {
  class FamilyError extends Base<'BROKEN' | 'INVALID_OPTION'> {
    static override readonly marker: string = pkg;
    constructor(code: 'BROKEN', message: string) {
      super(pkg, code, message);
    }
  }
  class BrokenError extends FamilyError {
    static override readonly marker: string = `${pkg}/BrokenError`;
    readonly part: string;
    constructor(part: string) {
      super('BROKEN', `${part} is broken; mend it.`);
      this.part = part;
    }
  }
  return { FamilyError, BrokenError };
}

/** A second copy of this module, as a second install or the other (ESM/CJS) build gives. */
async function secondCopy() {
  vi.resetModules();
  const errors = await import('./errors');
  const shared = await import('./shared-errors');
  expect(errors.PixsimError).not.toBe(PixsimError);
  return { ...errors, ...shared };
}

describe('PixsimError', () => {
  it('holds code, package, message, name and cause', () => {
    const cause = new Error('disk');
    const e = new PixsimError('@pixsim/x', 'BROKEN', 'it broke', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('BROKEN');
    expect(e.package).toBe('@pixsim/x');
    expect(e.message).toBe('it broke');
    expect(e.name).toBe('PixsimError');
    expect(e.cause).toBe(cause);
    expect('cause' in new PixsimError('@pixsim/x', 'BROKEN', 'no cause')).toBe(false);
  });

  it('guards the base, the package family and each subclass', () => {
    const a = family('@pixsim/a', PixsimError);
    const b = family('@pixsim/b', PixsimError);
    const broken = new a.BrokenError('wheel');
    expect(broken.name).toBe('BrokenError');
    expect(broken.part).toBe('wheel');
    expect(broken.code).toBe('BROKEN');
    expect(PixsimError.isInstance(broken)).toBe(true);
    expect(a.FamilyError.isInstance(broken)).toBe(true);
    expect(a.BrokenError.isInstance(broken)).toBe(true);
    expect(b.FamilyError.isInstance(broken)).toBe(false);
    expect(b.BrokenError.isInstance(broken)).toBe(false);
    expect(broken instanceof a.FamilyError).toBe(true);
    expect(broken instanceof b.FamilyError).toBe(false);
    const base = new a.FamilyError('BROKEN', 'x');
    expect(a.BrokenError.isInstance(base)).toBe(false);
    expect(base instanceof a.BrokenError).toBe(false);
  });

  it('filters by code', () => {
    const a = family('@pixsim/a', PixsimError);
    const broken = new a.BrokenError('wheel');
    expect(a.FamilyError.isInstance(broken, 'BROKEN')).toBe(true);
    expect(a.FamilyError.isInstance(broken, 'INVALID_OPTION')).toBe(false);
  });

  it('rejects what is not a pixsim error', () => {
    for (const v of [undefined, null, 0, 'PixsimError', new Error('x'), { code: 'BROKEN' }]) {
      expect(PixsimError.isInstance(v)).toBe(false);
      expect(v instanceof PixsimError).toBe(false);
    }
  });

  it('keeps no marker as an enumerable property', () => {
    const e = new InvalidOptionError('@pixsim/a', 'bad');
    expect(
      Object.getOwnPropertySymbols(e).every((s) => !Object.getOwnPropertyDescriptor(e, s)?.enumerable),
    ).toBe(true);
  });

  it('recognises the errors of a second copy of the package, and that copy ours', async () => {
    const copy = await secondCopy();
    const mine = family('@pixsim/a', PixsimError);
    const theirs = family('@pixsim/a', copy.PixsimError);
    const fromCopy = new theirs.BrokenError('axle');
    expect(fromCopy instanceof Object.getPrototypeOf(mine.BrokenError)).toBe(true);
    expect(Object.getPrototypeOf(fromCopy)).not.toBe(mine.BrokenError.prototype);
    expect(PixsimError.isInstance(fromCopy)).toBe(true);
    expect(mine.FamilyError.isInstance(fromCopy)).toBe(true);
    expect(mine.BrokenError.isInstance(fromCopy)).toBe(true);
    expect(fromCopy instanceof mine.BrokenError).toBe(true);
    const option = new copy.InvalidOptionError('@pixsim/a', 'bad');
    expect(InvalidOptionError.isInstance(option)).toBe(true);
    expect(option instanceof InvalidOptionError).toBe(true);
    expect(ShapeMismatchError.isInstance(option)).toBe(false);
    const ours = new InvalidOptionError('@pixsim/a', 'bad');
    expect(copy.InvalidOptionError.isInstance(ours)).toBe(true);
    expect(copy.PixsimError.isInstance(ours)).toBe(true);
  });

  it('falls back to the prototype chain for a subclass without a marker of its own', () => {
    class Unmarked extends InvalidOptionError {}
    const e = new Unmarked('@pixsim/a', 'bad');
    expect(Unmarked.isInstance(e)).toBe(true);
    expect(Unmarked.isInstance(new InvalidOptionError('@pixsim/a', 'bad'))).toBe(false);
    expect(InvalidOptionError.isInstance(e)).toBe(true);
  });
});

describe('the shared classes', () => {
  it('belong to the family of the package that threw them', () => {
    const a = family('@pixsim/a', PixsimError);
    const b = family('@pixsim/b', PixsimError);
    const e = new InvalidOptionError('@pixsim/a', 'steps must be ≥ 1', { option: 'steps' });
    expect(e.package).toBe('@pixsim/a');
    expect(e.name).toBe('InvalidOptionError');
    expect(e.code).toBe('INVALID_OPTION');
    expect(a.FamilyError.isInstance(e)).toBe(true);
    expect(e instanceof a.FamilyError).toBe(true);
    expect(b.FamilyError.isInstance(e)).toBe(false);
    expect(a.BrokenError.isInstance(e)).toBe(false);
  });

  it('set only the fields given', () => {
    expect(new InvalidOptionError('@pixsim/a', 'm', { option: 'steps' }).option).toBe('steps');
    expect(Object.keys(new InvalidOptionError('@pixsim/a', 'm'))).not.toContain('option');
    const input = new InvalidInputError('@pixsim/a', 'm', { expected: [null, 2], actual: [3] });
    expect({ expected: input.expected, actual: input.actual, parameter: input.parameter }).toEqual({
      expected: [null, 2],
      actual: [3],
      parameter: undefined,
    });
    expect(new MissingPackageError('@pixsim/a', 'm', { packageName: 'sharp' }).packageName).toBe('sharp');
  });
});
