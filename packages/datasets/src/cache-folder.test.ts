import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from './download';
import { CacheFolderError, DatasetError } from './errors';
import type { DatasetSource } from './sources';
import { startTestServer, type TestServer } from './test-server';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const root = mkdtempSync(join(tmpdir(), 'pixsim-cache-folder-'));
let server: TestServer;
const body = Buffer.from('pixsim cache folder test\n');
const source = (): DatasetSource => ({
  name: 'tiny',
  homepage: 'http://127.0.0.1/',
  files: [
    {
      filename: 'tiny.bin',
      url: `${server.base}/files/tiny.bin`,
      md5: '0b9a9bbc2e3a8c1d0bbf2a4e8ac9cd7f', // not checked: no test here gets as far as the network
    },
  ],
});

beforeAll(async () => {
  server = await startTestServer();
  server.fixtures.set('tiny.bin', body);
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

async function folderError(cacheDir: string): Promise<CacheFolderError> {
  const error = await download(source(), { cacheDir }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CacheFolderError);
  expect(DatasetError.is(error) && error.code).toBe('CACHE_FOLDER_UNUSABLE');
  return error as CacheFolderError;
}

describe('a cache folder that cannot be used is a CacheFolderError naming it', () => {
  it('a regular file on the path (ENOTDIR), named as the file in the way', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const error = await folderError(join(file, 'cache'));
    expect(error.path).toBe(join(file, 'cache', 'tiny'));
    expect(error.reason).toBe('ENOTDIR');
    expect(error.message).toContain(`lies under ${file}, which is a file, not a folder`);
    expect(server.requests).toHaveLength(0);
  });

  it('the folder itself is a regular file', async () => {
    const cacheDir = join(root, 'file-in-place');
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, 'tiny'), 'x');
    const error = await folderError(cacheDir);
    expect(error.path).toBe(join(cacheDir, 'tiny'));
    expect(error.message).toContain(`${join(cacheDir, 'tiny')} is a file, not a folder`);
  });

  // /proc allows no new folder to anyone, root included: this proves the mapping of mkdir's ENOENT.
  it.skipIf(process.platform !== 'linux')('a folder the file system does not allow (/proc)', async () => {
    const error = await folderError('/proc/pixsim-no-such-cache');
    expect(error.path).toBe('/proc/pixsim-no-such-cache/tiny');
    expect(error.reason).toBe('ENOENT');
  });

  // As root, chmod does not stop writes; a non-root run checks the permission path with chmod.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'a folder without write permission (EACCES)',
    async () => {
      const cacheDir = join(root, 'no-write');
      mkdirSync(cacheDir, { mode: 0o555 });
      const error = await folderError(cacheDir);
      expect(error.reason).toBe('EACCES');
    },
  );
});

// A read-only file system: a tmpfs mounted read-only in a private mount namespace of a child process
// (`unshare -m`, needs root or user namespaces), so no mount outlives the test. Where that is not
// allowed, these tests are skipped; the cases above still run.
const roMount = join(root, 'ro');
mkdirSync(roMount);
const canMountReadOnly =
  process.platform === 'linux' &&
  spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o ro tmpfs ${roMount} && ! touch ${roMount}/x`], {
    encoding: 'utf8',
  }).status === 0;

function inReadOnlyMount(prepare: string, cacheDir: string) {
  const arg = JSON.stringify({ source: source(), cacheDir });
  const script =
    `mount -t tmpfs tmpfs ${roMount} && ${prepare} mount -o remount,ro ${roMount} && ` +
    `exec ${tsx} src/__fixtures__/download-child.ts "$0"`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, arg], { cwd: packageDir, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('error '));
  expect(line, r.stdout + r.stderr).toBeDefined();
  return JSON.parse(line!.slice('error '.length)) as {
    typed: boolean;
    code: string;
    path: string;
    reason: string;
  };
}

describe.skipIf(!canMountReadOnly)('on a read-only file system', () => {
  it('a cache folder that cannot be created there (EROFS)', () => {
    const error = inReadOnlyMount('', join(roMount, 'cache'));
    expect(error).toMatchObject({
      typed: true,
      code: 'CACHE_FOLDER_UNUSABLE',
      path: join(roMount, 'cache', 'tiny'),
      reason: 'EROFS',
    });
  });

  it('a cache folder that exists but takes no file (the download lock cannot be made)', () => {
    const error = inReadOnlyMount(`mkdir -p ${roMount}/tiny &&`, roMount);
    expect(error).toMatchObject({
      typed: true,
      code: 'CACHE_FOLDER_UNUSABLE',
      path: join(roMount, 'tiny'),
      reason: 'EROFS',
    });
  });
});
