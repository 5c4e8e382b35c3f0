import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadMagicError, CountMismatchError, MissingFileError, TruncatedFileError } from './errors';
import { fashionMnist } from './fashion-mnist';
import { parseIdx, readIdx } from './idx';
import { mnist } from './mnist';
import { idxBytes } from './test-fixtures';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixsim-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the four official MNIST files for `n` train and `m` test 4x3 images (gzipped or not). */
async function writeIdxSet(folder: string, n: number, m: number, gz: boolean) {
  const write = (name: string, data: Buffer) =>
    writeFile(join(folder, gz ? `${name}.gz` : name), gz ? gzipSync(data) : data);
  const images = (k: number) => Uint8Array.from({ length: k * 12 }, (_, i) => (i * 7) % 256);
  const labels = (k: number) => Uint8Array.from({ length: k }, (_, i) => (i * 3) % 10);
  await write('train-images-idx3-ubyte', idxBytes([n, 4, 3], images(n)));
  await write('train-labels-idx1-ubyte', idxBytes([n], labels(n)));
  await write('t10k-images-idx3-ubyte', idxBytes([m, 4, 3], images(m)));
  await write('t10k-labels-idx1-ubyte', idxBytes([m], labels(m)));
}

describe('IDX', () => {
  it('parses dims and data', () => {
    const parsed = parseIdx(
      idxBytes([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])),
      'x',
    );
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads plain and .gz files into the same datasets (mnist({ dir }))', async () => {
    const plain = join(dir, 'plain');
    const gz = join(dir, 'gz');
    await Promise.all([mkdir(plain), mkdir(gz)]);
    await writeIdxSet(plain, 20, 5, false);
    await writeIdxSet(gz, 20, 5, true);
    const a = await mnist({ dir: plain });
    const b = await mnist({ dir: gz });
    expect(a.train.shape).toEqual([20, 4, 3, 1]);
    expect(a.test.shape).toEqual([5, 4, 3, 1]);
    expect(Array.from(b.train.images)).toEqual(Array.from(a.train.images));
    expect(Array.from(b.train.labels)).toEqual([0, 3, 6, 9, 2, 5, 8, 1, 4, 7, 0, 3, 6, 9, 2, 5, 8, 1, 4, 7]);
    const f = await fashionMnist({ dir: gz });
    expect(f.train.classNames[0]).toBe('T-shirt/top');
    expect(f.test.size).toBe(5);
  });

  it('rejects a truncated file, naming the file and the byte counts', async () => {
    const path = join(dir, 'short-idx3-ubyte');
    await writeFile(path, idxBytes([10, 28, 28], new Uint8Array(10 * 784)).subarray(0, 5000));
    await expect(readIdx(path)).rejects.toThrow(TruncatedFileError);
    await expect(readIdx(path)).rejects.toThrow(
      /short-idx3-ubyte: truncated: the header promises 7840 data bytes .* only 4984/,
    );
  });

  it('rejects a truncated .gz stream', async () => {
    const path = join(dir, 'cut-idx1-ubyte.gz');
    const gz = gzipSync(idxBytes([1000], new Uint8Array(1000).fill(3)));
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await expect(readIdx(path)).rejects.toThrow(/cut-idx1-ubyte.gz: the gzip stream is truncated or corrupt/);
  });

  it('rejects a wrong magic number and a non-uint8 type', async () => {
    const path = join(dir, 'png-named-idx');
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    await expect(readIdx(path)).rejects.toThrow(BadMagicError);
    await expect(readIdx(path)).rejects.toThrow(/magic number 0x89504e47 is not IDX/);
    const floats = Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(() => parseIdx(floats, 'f.idx')).toThrow(/data type 0x0d is not unsigned byte/);
  });

  it('rejects images and labels of different counts', async () => {
    const folder = join(dir, 'mismatch');
    await mkdir(folder);
    await writeIdxSet(folder, 20, 5, false);
    await writeFile(join(folder, 'train-labels-idx1-ubyte'), idxBytes([19], new Uint8Array(19)));
    await expect(mnist({ dir: folder })).rejects.toThrow(CountMismatchError);
    await expect(mnist({ dir: folder })).rejects.toThrow(
      /train-images-idx3-ubyte holds 20 images but train-labels-idx1-ubyte holds 19 labels/,
    );
  });

  it('names the missing file and the fix', async () => {
    await expect(mnist({ dir: join(dir, 'nowhere') })).rejects.toThrow(MissingFileError);
    await expect(mnist({ dir: join(dir, 'nowhere') })).rejects.toThrow(/download\('mnist', \{ cacheDir \}\)/);
  });
});
