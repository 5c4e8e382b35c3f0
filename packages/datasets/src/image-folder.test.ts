import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecodeError,
  EmptyFolderError,
  InvalidOptionError,
  MissingFileError,
  SizeMismatchError,
} from './errors';
import { type ImageFolderOptions, imageFolder } from './image-folder';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixsim-folder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** RGB pixels of an h×w image whose value at (y, x, ch) is `f(y, x, ch)`. */
function rgb(h: number, w: number, f: (y: number, x: number, ch: number) => number): Buffer {
  const out = Buffer.alloc(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = f(y, x, c);
  return out;
}

async function png(path: string, h: number, w: number, f: (y: number, x: number, ch: number) => number) {
  await sharp(rgb(h, w, f), { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(path);
}

const luma = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
const pattern = (seed: number) => (y: number, x: number, c: number) =>
  (seed * 40 + y * 7 + x * 3 + c * 60) % 256;

async function makeFolder(name: string, sizes: Record<string, [number, number][]>) {
  const root = join(dir, name);
  let k = 0;
  for (const [cls, list] of Object.entries(sizes)) {
    await mkdir(join(root, cls), { recursive: true });
    for (const [i, [h, w]] of list.entries()) await png(join(root, cls, `img_${i}.png`), h, w, pattern(k++));
  }
  return root;
}

describe('imageFolder', () => {
  it('decodes <class>/<file> into [N, H, W, 3] with sorted classes and labels', async () => {
    const root = await makeFolder('basic', {
      zebra: [[6, 8]],
      ant: [
        [6, 8],
        [6, 8],
      ],
    });
    await writeFile(join(root, 'ant', 'notes.txt'), 'not an image');
    const data = await imageFolder(root, { cacheDir: false });
    expect(data.shape).toEqual([3, 6, 8, 3]);
    expect(data.classNames).toEqual(['ant', 'zebra']);
    expect(Array.from(data.labels)).toEqual([0, 0, 1]);
    // PNG is lossless: the pixels are exactly those written (zebra was written first, so ant/img_0 has pattern(1)).
    expect(data.image(0)[(2 * 8 + 5) * 3 + 1]).toBe(pattern(1)(2, 5, 1));
    const grey = await imageFolder(root, { cacheDir: false, grey: true });
    expect(grey.shape).toEqual([3, 6, 8, 1]);
    const p = pattern(1);
    expect(grey.image(0)[2 * 8 + 5]).toBe(luma(p(2, 5, 0), p(2, 5, 1), p(2, 5, 2)));
    const resized = await imageFolder(root, { cacheDir: false, resize: [3, 4] });
    expect(resized.shape).toEqual([3, 3, 4, 3]);
  });

  it('expands greyscale files to RGB, and resize(n) scales the shorter side', async () => {
    const root = join(dir, 'greyscale');
    await mkdir(join(root, 'g'), { recursive: true });
    const grey = Buffer.from(Array.from({ length: 6 * 8 }, (_, i) => (i * 5) % 256));
    await sharp(grey, { raw: { width: 8, height: 6, channels: 1 } })
      .png()
      .toFile(join(root, 'g', 'a.png'));
    const data = await imageFolder(root, { cacheDir: false });
    expect(data.shape).toEqual([1, 6, 8, 3]);
    const px = data.image(0).subarray((2 * 8 + 3) * 3, (2 * 8 + 3) * 3 + 3);
    expect(Array.from(px)).toEqual([grey[2 * 8 + 3], grey[2 * 8 + 3], grey[2 * 8 + 3]]);
    const small = await imageFolder(root, { cacheDir: false, resize: 3 });
    expect(small.shape).toEqual([1, 3, 4, 3]);
  });

  it("applies the paper's ImageNet regularization transform: grey, centre crop 144x256, every 4th pixel", async () => {
    const root = await makeFolder('imagenet', { n01: [[150, 262]], n02: [[150, 262]] });
    const data = await imageFolder(root, { transform: 'imagenet-regularization', cacheDir: false });
    expect(data.shape).toEqual([2, 36, 64, 1]);
    const p = pattern(0);
    const top = 3; // (150 − 144) / 2
    const left = 3; // (262 − 256) / 2
    for (const [y, x] of [
      [0, 0],
      [10, 20],
      [35, 63],
    ]) {
      const sy = top + 4 * y;
      const sx = left + 4 * x;
      expect(data.image(0)[y * 64 + x]).toBe(luma(p(sy, sx, 0), p(sy, sx, 1), p(sy, sx, 2)));
    }
  });

  it('pads images smaller than the crop with zeros (torchvision CenterCrop), or throws on request', async () => {
    const root = await makeFolder('small', { a: [[4, 4]] });
    const data = await imageFolder(root, { crop: [6, 6], cacheDir: false });
    expect(data.shape).toEqual([1, 6, 6, 3]);
    expect(data.image(0)[0]).toBe(0);
    expect(data.image(0)[(1 * 6 + 1) * 3]).toBe(pattern(0)(0, 0, 0));
    await expect(imageFolder(root, { crop: [6, 6], cropPadding: 'error', cacheDir: false })).rejects.toThrow(
      /img_0.png is 4x4, smaller than the crop 6x6/,
    );
  });

  it('caches the decoded tensor on disk: the second load does not decode', async () => {
    const root = await makeFolder('cached', { a: [[5, 5]], b: [[5, 5]] });
    const cacheDir = join(dir, 'cache');
    const first = await imageFolder(root, { cacheDir, grey: true });
    const written = await readdir(cacheDir);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^image-folder-[0-9a-f]{32}\.bin$/);
    // Replace an image by undecodable bytes of the same size and restore its mtime: only a load
    // that skips decoding can still succeed.
    const file = join(root, 'a', 'img_0.png');
    const before = await stat(file);
    await writeFile(file, Buffer.alloc(before.size, 7));
    await utimes(file, before.atimeMs / 1000, before.mtimeMs / 1000);
    const second = await imageFolder(root, { cacheDir, grey: true });
    expect(Array.from(second.images)).toEqual(Array.from(first.images));
    expect(second.classNames).toEqual(['a', 'b']);
    // Other options are another cache entry, so they decode, and hit the broken file.
    await expect(imageFolder(root, { cacheDir })).rejects.toThrow(DecodeError);
    await expect(imageFolder(root, { cacheDir })).rejects.toThrow(
      /img_0.png could not be decoded .*Remove or re-encode the file/,
    );
  });

  it('rejects mixed sizes, empty and missing folders', async () => {
    const mixed = await makeFolder('mixed', { a: [[5, 5]], b: [[6, 5]] });
    await expect(imageFolder(mixed, { cacheDir: false, concurrency: 1 })).rejects.toThrow(SizeMismatchError);
    await expect(imageFolder(mixed, { cacheDir: false, concurrency: 1 })).rejects.toThrow(
      /pass \{ resize: \[h, w\] \}/,
    );
    const empty = join(dir, 'empty');
    await mkdir(join(empty, 'class-without-images'), { recursive: true });
    await expect(imageFolder(empty, { cacheDir: false })).rejects.toThrow(EmptyFolderError);
    await expect(imageFolder(empty, { cacheDir: false })).rejects.toThrow(
      /holds no images \(1 class folders/,
    );
    await expect(imageFolder(join(dir, 'absent'), { cacheDir: false })).rejects.toThrow(MissingFileError);
    await expect(imageFolder(mixed, { transform: 'imagenet-regularization', step: 2 })).rejects.toThrow(
      /sets grey, crop, step and padding itself/,
    );
  });

  it('an unwritable cache warns once, naming the folder and the fix, and the load still succeeds', async () => {
    const root = await makeFolder('uncacheable', { a: [[5, 5]], b: [[5, 5]] });
    const reference = await imageFolder(root, { cacheDir: false });
    // A file where the cache folder should be (root can write anywhere, so a read-only mode is no test here).
    const blocker = join(dir, 'cache-is-a-file');
    await writeFile(blocker, 'not a folder');
    const lines: string[] = [];
    const warn = (line: string) => lines.push(line);
    const first = await imageFolder(root, { cacheDir: blocker, warn });
    expect(Array.from(first.images)).toEqual(Array.from(reference.images));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(blocker);
    expect(lines[0]).toMatch(/is taken by a file where a folder is needed \(EEXIST\)/);
    expect(lines[0]).toMatch(/Fix: pass \{ cacheDir: '<writable folder>' \} or set PIXSIM_CACHE_DIR/);
    // Once per cache folder: a second load (other options, so another cache file) stays quiet.
    const grey = await imageFolder(root, { cacheDir: blocker, warn, grey: true });
    expect(grey.shape).toEqual([2, 5, 5, 1]);
    expect(lines).toHaveLength(1);
    // A cache folder under a file, and a folder where the cache file goes, warn as well.
    const under = join(blocker, 'sub');
    await imageFolder(root, { cacheDir: under, warn });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/sub lies under a file, not a folder \(ENOTDIR\)/);
    const taken = join(dir, 'cache-file-taken');
    await imageFolder(root, { cacheDir: taken, warn: false });
    const [file] = await readdir(taken);
    await rm(join(taken, file));
    await mkdir(join(taken, file));
    const again = await imageFolder(root, { cacheDir: taken, warn });
    expect(again.shape).toEqual([2, 5, 5, 3]);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/holds a folder where the cache file goes \(EISDIR\)/);
    // warn: false is silent.
    await imageFolder(root, { cacheDir: join(blocker, 'other'), warn: false });
    expect(lines).toHaveLength(3);
  });

  it('rejects malformed arguments with InvalidOptionError or MissingFileError', async () => {
    const root = await makeFolder('args', { a: [[4, 4]] });
    const file = join(root, 'a', 'img_0.png');
    await expect(imageFolder(file, { cacheDir: false })).rejects.toThrow(/is a file, not a folder/);
    await expect(imageFolder(file, { cacheDir: false })).rejects.toThrow(MissingFileError);
    const bad: [unknown, unknown, RegExp][] = [
      [42, {}, /dir must be the path of a folder/],
      [root, null, /options must be an object/],
      [root, { cacheDir: 3 }, /cacheDir must be a folder path or false/],
      [root, { cacheDir: '' }, /cacheDir must be a folder path or false/],
      [root, { cacheDir: false, warn: 'loud' }, /warn must be a function or false/],
      [root, { cacheDir: false, extensions: 'png' }, /extensions must be a non-empty list/],
      [root, { cacheDir: false, extensions: [] }, /extensions must be a non-empty list/],
      [root, { cacheDir: false, grey: 'yes' }, /grey must be true or false/],
      [root, { cacheDir: false, split: 'dev' }, /split must be 'train'/],
    ];
    for (const [d, o, message] of bad) {
      const call = imageFolder(d as string, o as ImageFolderOptions);
      await expect(call).rejects.toThrow(InvalidOptionError);
      await expect(imageFolder(d as string, o as ImageFolderOptions)).rejects.toThrow(message);
    }
  });
});
