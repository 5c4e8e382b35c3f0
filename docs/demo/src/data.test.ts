import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeDigits } from './data';
import { fixedDigitIds } from './experiment';

const file = readFileSync(new URL('../data/mnist-digits.bin', import.meta.url));
const buffer = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;

describe('the shipped digits', () => {
  it('decode to 500 training and 200 test digits with every class present', async () => {
    const data = await decodeDigits(buffer(file));
    expect([data.rows, data.cols, data.train.count, data.test.count]).toEqual([28, 28, 500, 200]);
    expect(data.train.images).toHaveLength(500 * 784);
    expect(data.test.images).toHaveLength(200 * 784);
    for (const set of [data.train, data.test]) {
      const counts = new Array(10).fill(0);
      for (const label of set.labels) counts[label]++;
      expect(Math.min(...counts)).toBeGreaterThan(5);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(set.count);
    }
    // MNIST's first training digit is a 5, its first test digit a 7.
    expect([data.train.labels[0], data.test.labels[0]]).toEqual([5, 7]);
  });

  it('decode whether or not a server already removed the gzip layer', async () => {
    const packed = await decodeDigits(buffer(file));
    const raw = new Uint8Array(
      await new Response(
        new Blob([file]).stream().pipeThrough(new DecompressionStream('gzip')),
      ).arrayBuffer(),
    );
    const plain = await decodeDigits(buffer(raw));
    expect(Buffer.compare(plain.train.images, packed.train.images)).toBe(0);
    expect(Buffer.compare(plain.test.images, packed.test.images)).toBe(0);
    expect(Array.from(plain.test.labels)).toEqual(Array.from(packed.test.labels));
  });

  it('refuse a file that is not the demo format', async () => {
    await expect(decodeDigits(buffer(gzipSync(Buffer.from('not digits at all'))))).rejects.toThrow(
      /not a pixsim demo data file/,
    );
  });
});

describe('fixedDigitIds', () => {
  it('takes the first digits of each class, in class order', () => {
    const labels = Int32Array.from([3, 1, 0, 1, 3, 2, 0, 9, 4, 5, 6, 7, 8, 9, 2, 4, 5, 6, 7, 8]);
    const ids = fixedDigitIds(labels, 2);
    expect(ids).toEqual([2, 6, 1, 3, 5, 14, 0, 4, 8, 15, 9, 16, 10, 17, 11, 18, 12, 19, 7, 13]);
    expect(ids.map((i) => labels[i])).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
  });
});
