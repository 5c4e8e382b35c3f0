import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifar10, cifar100 } from './cifar';
import { CIFAR100_FINE_CLASSES } from './cifar-format';
import { BadFormatError, MissingFileError, TruncatedFileError } from './errors';
import { cifarBytes, tarGz } from './test-fixtures';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixsim-cifar-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Pixel value that encodes record, row, column and channel, to check the CHW → HWC conversion.
const pixel = (r: number, y: number, x: number, ch: number) => (r * 31 + y * 5 + x * 3 + ch * 101) % 256;

function checkPixels(images: Uint8Array, records: number, offset = 0) {
  for (const r of [0, records - 1]) {
    for (const [y, x] of [
      [0, 0],
      [5, 17],
      [31, 31],
    ]) {
      for (let ch = 0; ch < 3; ch++) {
        expect(images[((r * 32 + y) * 32 + x) * 3 + ch]).toBe(pixel(r + offset, y, x, ch));
      }
    }
  }
}

describe('CIFAR-10', () => {
  it('reads any subset of the batch files, converting planes to [N, 32, 32, 3]', async () => {
    const folder = join(dir, 'c10');
    await mkdir(folder);
    await writeFile(join(folder, 'data_batch_2.bin'), cifarBytes([3, 1, 4], pixel));
    await writeFile(
      join(folder, 'data_batch_5.bin'),
      cifarBytes([1, 5], (r, y, x, ch) => pixel(r + 3, y, x, ch)),
    );
    await writeFile(join(folder, 'test_batch.bin'), cifarBytes([9, 2], pixel));
    const { train, test } = await cifar10(folder);
    expect(train.shape).toEqual([5, 32, 32, 3]);
    expect(Array.from(train.labels)).toEqual([3, 1, 4, 1, 5]);
    expect(Array.from(test.labels)).toEqual([9, 2]);
    expect(train.classNames[9]).toBe('truck');
    checkPixels(train.images, 5);
  });

  it('reads the .tar.gz archive as downloaded (and a folder holding it)', async () => {
    const folder = join(dir, 'c10-archive');
    await mkdir(folder);
    const archive = tarGz([
      {
        path: 'cifar-10-batches-bin/batches.meta.txt',
        data: Buffer.from('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n'),
      },
      { path: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBytes([0, 1, 2, 3], pixel) },
      { path: 'cifar-10-batches-bin/readme.html', data: Buffer.from('<html></html>') },
      { path: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes([7], pixel) },
    ]);
    await writeFile(join(folder, 'cifar-10-binary.tar.gz'), archive);
    for (const source of [folder, join(folder, 'cifar-10-binary.tar.gz')]) {
      const { train, test } = await cifar10(source);
      expect(train.size).toBe(4);
      expect(test.size).toBe(1);
      expect(train.classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
      checkPixels(train.images, 4);
    }
  });

  it('rejects a truncated batch with the record arithmetic and the fix', async () => {
    const folder = join(dir, 'c10-short');
    await mkdir(folder);
    await writeFile(join(folder, 'data_batch_1.bin'), cifarBytes([1, 2], pixel).subarray(0, 5000));
    await writeFile(join(folder, 'test_batch.bin'), cifarBytes([1], pixel));
    await expect(cifar10(folder)).rejects.toThrow(TruncatedFileError);
    await expect(cifar10(folder)).rejects.toThrow(
      /data_batch_1.bin: 5000 bytes is not a whole number of 3073-byte CIFAR-10 records \(1 full records \+ 1927 bytes\)/,
    );
  });

  it('rejects a CIFAR-100 file passed as CIFAR-10 (label out of range)', async () => {
    const folder = join(dir, 'c10-wrong');
    await mkdir(folder);
    await writeFile(join(folder, 'data_batch_1.bin'), cifarBytes([42], pixel));
    await writeFile(join(folder, 'test_batch.bin'), cifarBytes([1], pixel));
    await expect(cifar10(folder)).rejects.toThrow(BadFormatError);
    await expect(cifar10(folder)).rejects.toThrow(/record 0 has label 42, outside 0…9/);
  });

  it('rejects a folder without batches and a truncated archive', async () => {
    const empty = join(dir, 'c10-empty');
    await mkdir(empty);
    await expect(cifar10(empty)).rejects.toThrow(MissingFileError);
    await expect(cifar10(empty)).rejects.toThrow(/holds none of data_batch_1.bin.*download\('cifar10'/);
    const onlyTest = join(dir, 'c10-only-test');
    await mkdir(onlyTest);
    await writeFile(join(onlyTest, 'test_batch.bin'), cifarBytes([1], pixel));
    await expect(cifar10(onlyTest)).rejects.toThrow(/holds none of data_batch_1.bin, data_batch_2.bin/);
    const archive = tarGz([
      { path: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBytes([0, 1, 2], pixel) },
    ]);
    const cut = join(dir, 'cut.tar.gz');
    await writeFile(cut, archive.subarray(0, Math.floor(archive.length / 2)));
    await expect(cifar10(cut)).rejects.toThrow(TruncatedFileError);
    await expect(cifar10(cut)).rejects.toThrow(/cut.tar.gz: the gzip stream is truncated or corrupt/);
  });

  it('rejects an archive with a damaged tar header, and a non-binary archive', async () => {
    const tar = gunzipSync(
      tarGz([{ path: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBytes([1], pixel) }]),
    );
    tar[10] ^= 0x41; // inside the file name of the first header
    const damaged = join(dir, 'damaged.tar.gz');
    await writeFile(damaged, gzipSync(tar));
    await expect(cifar10(damaged)).rejects.toThrow(/damaged.tar.gz: tar header checksum mismatch/);
    const python = join(dir, 'cifar-10-python.tar.gz');
    await writeFile(
      python,
      tarGz([{ path: 'cifar-10-batches-py/data_batch_1', data: Buffer.from('pickle') }]),
    );
    await expect(cifar10(python)).rejects.toThrow(
      /holds none of the CIFAR-10 binary files.*not the python or matlab one/,
    );
  });
});

describe('CIFAR-100', () => {
  const coarse = [0, 19, 7, 4];
  const fine = [99, 0, 42, 57];

  it('reads train.bin / test.bin with fine and coarse labels, from a folder and from the archive', async () => {
    const folder = join(dir, 'cifar-100-binary');
    await mkdir(folder);
    await writeFile(join(folder, 'train.bin'), cifarBytes(fine, pixel, coarse));
    await writeFile(join(folder, 'test.bin'), cifarBytes([5, 6], pixel, [1, 2]));
    const fromFolder = await cifar100(dir);
    expect(fromFolder.train.shape).toEqual([4, 32, 32, 3]);
    expect(Array.from(fromFolder.train.labels)).toEqual(fine);
    expect(fromFolder.train.classNames).toEqual(CIFAR100_FINE_CLASSES);
    expect(fromFolder.train.classNames[99]).toBe('worm');
    checkPixels(fromFolder.train.images, 4);
    const coarseSet = await cifar100(folder, { labels: 'coarse' });
    expect(Array.from(coarseSet.train.labels)).toEqual(coarse);
    expect(coarseSet.train.classNames).toHaveLength(20);
    expect(Array.from(coarseSet.test.labels)).toEqual([1, 2]);

    const archive = join(dir, 'cifar-100-binary.tar.gz');
    const fineNames = Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n');
    await writeFile(
      archive,
      tarGz([
        {
          path: 'cifar-100-binary/coarse_label_names.txt',
          data: Buffer.from(Array.from({ length: 20 }, (_, i) => `c${i}`).join('\n')),
        },
        { path: 'cifar-100-binary/fine_label_names.txt', data: Buffer.from(fineNames) },
        { path: 'cifar-100-binary/test.bin', data: cifarBytes([5], pixel, [1]) },
        { path: 'cifar-100-binary/train.bin', data: cifarBytes(fine, pixel, coarse) },
      ]),
    );
    const fromArchive = await cifar100(archive, { labels: 'coarse' });
    expect(Array.from(fromArchive.train.labels)).toEqual(coarse);
    expect(fromArchive.train.classNames[19]).toBe('c19');
    expect(Buffer.compare(Buffer.from(fromArchive.train.images), Buffer.from(fromFolder.train.images))).toBe(
      0,
    );
  });

  it('recognises a CIFAR-10 file given to the CIFAR-100 loader', async () => {
    const folder = join(dir, 'c100-wrong');
    await mkdir(folder);
    await writeFile(join(folder, 'train.bin'), cifarBytes([1, 2, 3], pixel));
    await writeFile(join(folder, 'test.bin'), cifarBytes([1], pixel, [1]));
    await expect(cifar100(folder)).rejects.toThrow(
      /not a whole number of 3074-byte CIFAR-100 records.*is it a CIFAR-10 file\?/,
    );
  });
});
