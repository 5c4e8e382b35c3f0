import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BadFormatError } from './errors';
import { fashionMnist, parseFashionClassJson } from './fashion-mnist';

const row = (v: number) => `[${new Array(784).fill(v).join(',')}]`;

describe('fashion-mnist JSON parsing', () => {
  it('reads rows straight from the bytes, skipping empty entries', () => {
    const text = `{"data":[${row(1)},[],\n${row(255)}]}`;
    const parsed = parseFashionClassJson(Buffer.from(text), '0.json');
    expect(parsed.count).toBe(2);
    expect(parsed.empty).toBe(1);
    expect(parsed.pixels[0]).toBe(1);
    expect(parsed.pixels[784]).toBe(255);
  });

  it('rejects short rows, values above 255 and truncated files, naming the file', () => {
    const short = `{"data":[[1,2,3]]}`;
    expect(() => parseFashionClassJson(Buffer.from(short), '3.json')).toThrow(BadFormatError);
    expect(() => parseFashionClassJson(Buffer.from(short), '3.json')).toThrow(
      /3.json: image 0 has 3 pixels, expected 784/,
    );
    const big = `{"data":[[${new Array(783).fill(0).join(',')},256]]}`;
    expect(() => parseFashionClassJson(Buffer.from(big), '4.json')).toThrow(
      /4.json: image 0 has pixel value 256 > 255/,
    );
    const cut = `{"data":[${row(1)},${row(2)}`;
    expect(() => parseFashionClassJson(Buffer.from(cut), '5.json')).toThrow(
      /5.json: the JSON array is not closed/,
    );
  });

  it('the documented split: per class the first 6,000 entries train, the last 1,000 test', async () => {
    const { train, test } = await fashionMnist();
    const require = createRequire(import.meta.url);
    const rows: number[][] = JSON.parse(
      await readFile(require.resolve('fashion-mnist/src/clothes/0.json'), 'utf8'),
    ).data;
    const images = rows.filter((r) => r.length > 0);
    expect(Array.from(train.image(0))).toEqual(images[0]);
    expect(Array.from(train.image(10))).toEqual(images[1]); // interleaved: image 10 is class 0 again
    expect(Array.from(test.image(0))).toEqual(images[6000]);
    expect(Array.from(test.image(9990))).toEqual(images[6999]);
  });
});
