import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { cifar10, cifar100 } from './cifar';
import { download, downloadFile } from './download';
import { DatasetError, InvalidOptionError } from './errors';
import { fashionMnist } from './fashion-mnist';
import { readIdx } from './idx';
import { imageFolder } from './image-folder';
import { mnist } from './mnist';

// Everything these tests write lands in one scratch folder; relative string paths are moved into it.
const scratch = mkdtempSync(join(tmpdir(), 'pixsim-datasets-bad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const at = (...parts: string[]) => join(scratch, ...parts);
const inScratch = (p: unknown) => (typeof p === 'string' && p !== '' && !isAbsolute(p) ? at(p) : p) as string;

// Layouts that are wrong in the ways a user gets them wrong.
const emptyFolder = at('empty');
const aFile = at('a-file.bin');
const garbage = at('garbage'); // files with the expected names but wrong content
const folders = at('folders'); // folders where files are expected
mkdirSync(emptyFolder);
writeFileSync(aFile, 'not a data set');
mkdirSync(garbage);
mkdirSync(folders);
for (const name of [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
  'data_batch_1.bin',
  'test_batch.bin',
  'train.bin',
  'test.bin',
]) {
  writeFileSync(join(garbage, name), Buffer.from('0123456789abcdef'));
  mkdirSync(join(folders, name));
}
const badPaths = [
  () => emptyFolder,
  () => aFile,
  () => garbage,
  () => folders,
  () => at('absent'),
  () => join(aFile, 'below'),
  () => '',
];

/** A valid remote file on a port nothing listens on: a real attempt fails fast with a typed error. */
const file = () => ({
  filename: 'data.bin',
  url: 'http://127.0.0.1:9/data.bin',
  md5: '0123456789abcdef0123456789abcdef',
});
const source = (patch: Record<string, unknown> = {}, filePatch: Record<string, unknown> = {}) => ({
  name: 'custom',
  homepage: 'http://127.0.0.1:9/',
  files: [{ ...file(), ...filePatch }],
  ...patch,
});
const badFiles = [
  () => ({ ...file(), filename: '../escape.bin' }),
  () => ({ ...file(), filename: 'a/b.bin' }),
  () => ({ ...file(), filename: '..' }),
  () => ({ ...file(), url: 'ftp://127.0.0.1/data.bin' }),
  () => ({ ...file(), url: 'not a url' }),
  () => ({ ...file(), md5: 'zz' }),
  () => ({ ...file(), md5: undefined }),
  () => ({ ...file(), sha256: 42 }),
];
const downloadOptions = () => ({ cacheDir: at('cache'), offline: true });
const badDownloadOptions = [
  () => ({ cacheDir: 3 }),
  () => ({ cacheDir: '' }),
  () => ({ cacheDir: at('cache'), offline: 'yes' }),
  () => ({ cacheDir: at('cache'), offline: 1 }),
  () => ({ cacheDir: at('cache'), retries: -1 }),
  () => ({ cacheDir: at('cache'), retries: 1.5 }),
  () => ({ cacheDir: at('cache'), retries: 101 }),
  () => ({ cacheDir: at('cache'), timeoutMs: 0 }),
  () => ({ cacheDir: at('cache'), deadlineMs: Number.NaN }),
  () => ({ cacheDir: at('cache'), mirror: 'not a url' }),
  () => ({ cacheDir: at('cache'), onProgress: 3 }),
  () => ({ cacheDir: aFile, offline: true }),
];

/**
 * Options without `dir` are valid and read the bundled npm copy (70,000 images, seconds per load): the
 * suite points them at the empty folder instead, so it stays fast; every other value goes through.
 */
const withDir = (o: unknown) =>
  o === undefined || (typeof o === 'object' && o !== null && !Array.isArray(o) && !('dir' in o))
    ? { ...(o as object), dir: emptyFolder }
    : o;

/** The loaders' results hold only plain arrays, so a finite result is one that loaded. */
const size = async (p: Promise<{ train: { size: number }; test: { size: number } }>) => {
  const r = await p;
  return [r.train.size, r.test.size];
};

const subjects: Subject[] = [
  {
    name: 'download',
    args: () => ['mnist', downloadOptions()],
    call: (n, o) => download(n as 'mnist', o as never),
    bad: {
      0: [
        () => 'imagenet',
        () => source({ files: [] }),
        () => source({ name: '../up' }),
        () => source({ name: 42 }),
        ...badFiles.map((f) => () => source({}, f())),
      ],
      1: badDownloadOptions,
    },
  },
  {
    name: 'downloadFile',
    args: () => [file(), at('dl', 'data.bin'), { retries: 0, timeoutMs: 2000 }],
    call: (f, d, o) => downloadFile(f as never, inScratch(d), o as never),
    bad: {
      0: badFiles,
      2: [
        () => ({ retries: -1 }),
        () => ({ timeoutMs: -5 }),
        () => ({ retries: 0, url: 'file:///etc/passwd' }),
        () => ({ retries: 0, onProgress: 'log' }),
      ],
    },
  },
  {
    name: 'mnist',
    args: () => [{ dir: emptyFolder }],
    call: (o) => size(mnist(withDir(o) as never)),
    bad: { 0: badPaths.map((p) => () => ({ dir: p() })) },
  },
  {
    name: 'fashionMnist',
    args: () => [{ dir: emptyFolder }],
    call: (o) => size(fashionMnist(withDir(o) as never)),
    bad: { 0: badPaths.map((p) => () => ({ dir: p() })) },
  },
  {
    name: 'cifar10',
    args: () => [emptyFolder],
    call: (s) => size(cifar10(inScratch(s))),
    bad: { 0: badPaths },
  },
  {
    name: 'cifar100',
    args: () => [emptyFolder, { labels: 'fine' }],
    call: (s, o) => size(cifar100(inScratch(s), o as never)),
    bad: { 0: badPaths, 1: [() => ({ labels: 'medium' })] },
  },
  {
    name: 'readIdx',
    args: () => [join(garbage, 'train-images-idx3-ubyte')],
    call: async (p) => (await readIdx(inScratch(p))).dims,
    bad: { 0: [...badPaths, () => join(folders, 'train-images-idx3-ubyte')] },
  },
  {
    name: 'imageFolder',
    args: () => [emptyFolder, { cacheDir: false }],
    call: async (d, o) => (await imageFolder(inScratch(d), o as never)).shape,
    bad: {
      0: badPaths,
      1: [
        () => ({ cacheDir: 3 }),
        () => ({ cacheDir: false, warn: 'loud' }),
        () => ({ cacheDir: false, resize: 0 }),
        () => ({ cacheDir: false, crop: [1] }),
        () => ({ cacheDir: false, step: 1.5 }),
        () => ({ cacheDir: false, transform: 'sepia' }),
        () => ({ cacheDir: false, extensions: [] }),
        () => ({ cacheDir: false, grey: 'yes' }),
      ],
    },
  },
];

describe('downloads and loaders of @pixsim/datasets on generated bad paths and options', () => {
  it('throw a typed DatasetError naming the fix (or load), leaving no tensor behind', async () => {
    await checkSubjects(subjects, DatasetError.is, { numRuns: 60 });
  }, 120_000);

  it('never write outside the cache folder: a file name with a folder in it is refused', async () => {
    await expect(
      download(source({}, { filename: '../escape.bin' }) as never, downloadOptions()),
    ).rejects.toThrow(/filename must be a plain file name/);
    await expect(download(source({ name: '../up' }) as never, downloadOptions())).rejects.toThrow(
      InvalidOptionError,
    );
  });

  it('a folder where a file is expected, and a file where a folder is, name the path', async () => {
    await expect(readIdx(join(folders, 'train-images-idx3-ubyte'))).rejects.toThrow(
      /is a folder, not a file/,
    );
    await expect(cifar10(aFile)).rejects.toSatisfy(DatasetError.is);
    await expect(mnist({ dir: aFile })).rejects.toSatisfy(DatasetError.is);
  });
});
