import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataLocations, defaultCacheDir, fetchRoot, findDataset } from './data-locate';
import { UnknownDatasetError } from './errors';

describe('dataLocations / findDataset / fetchRoot', () => {
  const base = mkdtempSync(join(tmpdir(), 'pixsim-locate-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const data = join(base, 'data');
  const cache = join(base, 'cache');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  const env = { PIXSIM_DATA_DIR: data, PIXSIM_CACHE_DIR: cache };

  it('the cache is $PIXSIM_CACHE_DIR, else ~/.cache/pixsim; fetches go to $PIXSIM_DATA_DIR when set', () => {
    expect(defaultCacheDir({})).toBe(join(homedir(), '.cache', 'pixsim'));
    expect(defaultCacheDir({ PIXSIM_CACHE_DIR: cache })).toBe(cache);
    expect(fetchRoot({ env, cwd: outside })).toEqual({ dir: data, source: 'env' });
    expect(fetchRoot({ env: { PIXSIM_CACHE_DIR: cache }, cwd: outside })).toEqual({
      dir: cache,
      source: 'cache',
    });
  });

  it('looks in the data root folder, then the downloads in the data root, then the cache', () => {
    const where = dataLocations('cifar10', { env, cwd: outside });
    expect(where.map((l) => [l.kind, l.path, l.rootSource, l.present])).toEqual([
      ['folder', join(data, 'cifar-10-batches-bin'), 'env', false],
      ['download', join(data, 'cifar10'), 'env', false],
      ['download', join(cache, 'cifar10'), 'cache', false],
    ]);
    expect(findDataset('cifar10', { env, cwd: outside })).toBeNull();
    // Only the downloads for MNIST, only the folder for the folder-only sets.
    expect(dataLocations('mnist', { env, cwd: outside }).map((l) => l.kind)).toEqual([
      'download',
      'download',
    ]);
    expect(dataLocations('tiny-imagenet', { env, cwd: outside }).map((l) => l.path)).toEqual([
      join(data, 'tiny-imagenet-5k'),
    ]);
  });

  it('a download counts only with every file under its final name; the first present place wins', () => {
    mkdirSync(join(cache, 'cifar10'), { recursive: true });
    writeFileSync(join(cache, 'cifar10', 'cifar-10-binary.tar.gz.part'), 'half');
    expect(findDataset('cifar10', { env, cwd: outside })).toBeNull();
    writeFileSync(join(cache, 'cifar10', 'cifar-10-binary.tar.gz'), 'x');
    expect(findDataset('cifar10', { env, cwd: outside })?.path).toBe(join(cache, 'cifar10'));
    mkdirSync(join(data, 'cifar10'), { recursive: true });
    writeFileSync(join(data, 'cifar10', 'cifar-10-binary.tar.gz'), 'x');
    expect(findDataset('cifar10', { env, cwd: outside })?.path).toBe(join(data, 'cifar10'));
    mkdirSync(join(data, 'cifar-10-batches-bin'));
    expect(findDataset('cifar10', { env, cwd: outside })).toMatchObject({
      kind: 'folder',
      path: join(data, 'cifar-10-batches-bin'),
    });
    mkdirSync(join(cache, 'mnist'));
    writeFileSync(join(cache, 'mnist', 'train-images-idx3-ubyte.gz'), 'x');
    expect(findDataset('mnist', { env, cwd: outside })).toBeNull();
  });

  it('rejects an unknown name', () => {
    expect(() => dataLocations('imagenet' as never)).toThrow(UnknownDatasetError);
    expect(() => dataLocations('imagenet' as never)).toThrow(/Known names: cifar10, cifar100, mnist/);
  });
});
