import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataFolder, findDataRoot, findPixsimCheckout } from './data-root';

describe('findDataRoot', () => {
  const base = mkdtempSync(join(tmpdir(), 'pixsim-root-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const checkout = join(base, 'main');
  mkdirSync(join(checkout, 'packages', 'x'), { recursive: true });
  writeFileSync(join(checkout, 'pnpm-workspace.yaml'), 'packages: []\n');
  writeFileSync(join(checkout, 'package.json'), JSON.stringify({ name: 'pixsim-monorepo' }));
  const other = join(base, 'someone-else');
  mkdirSync(other);
  writeFileSync(join(other, 'pnpm-workspace.yaml'), 'packages: []\n');
  writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'their-app' }));

  it('prefers PIXSIM_DATA_DIR, even when it does not exist', () => {
    const r = findDataRoot({ cwd: checkout, env: { PIXSIM_DATA_DIR: join(base, 'nowhere') } });
    expect(r).toEqual({ dir: join(base, 'nowhere'), source: 'env' });
  });

  it('finds ../shared/data beside the pixsim checkout, from any folder inside it', () => {
    expect(findDataRoot({ cwd: join(checkout, 'packages', 'x'), env: {} })).toBeNull();
    mkdirSync(join(base, 'shared', 'data', 'cifar-10-batches-bin'), { recursive: true });
    expect(findPixsimCheckout(join(checkout, 'packages', 'x'))).toBe(checkout);
    expect(findDataRoot({ cwd: join(checkout, 'packages', 'x'), env: {} })).toEqual({
      dir: join(base, 'shared', 'data'),
      source: 'repository',
    });
    expect(findDataFolder('cifar10', { cwd: checkout, env: {} })).toBe(
      join(base, 'shared', 'data', 'cifar-10-batches-bin'),
    );
    expect(findDataFolder('cifar100', { cwd: checkout, env: {} })).toBeNull();
  });

  it('ignores a pnpm workspace that is not pixsim', () => {
    expect(findPixsimCheckout(other)).toBeNull();
    expect(findDataRoot({ cwd: other, env: {} })).toBeNull();
  });
});
