import { assertBytes } from './describe';
import { basename } from 'node:path';
import { BadFormatError, BadMagicError, CountMismatchError, TruncatedFileError } from './errors';
import { gunzipFile, isGzip, readFileOrThrow } from './files';
import { ImageDataset, type Split } from './image-dataset';

/** A parsed IDX file: its dimensions and uint8 data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX file (the MNIST / Fashion-MNIST format): magic `0x0000 08 D` (unsigned byte data,
 * `D` dimensions), `D` big-endian uint32 sizes, then the data.
 *
 * @param file - name used in error messages.
 */
export function parseIdx(buffer: Uint8Array, file: string): IdxArray {
  assertBytes('parseIdx', buffer);
  const fix = 'Download the file again or pass the right file (MNIST-style *-idx3-ubyte / *-idx1-ubyte).';
  if (buffer.length < 4) {
    throw new TruncatedFileError(`${file}: ${buffer.length} bytes is too short for an IDX header. ${fix}`);
  }
  if (buffer[0] !== 0 || buffer[1] !== 0) {
    const magic = Buffer.from(buffer.subarray(0, 4)).toString('hex');
    throw new BadMagicError(
      `${file}: magic number 0x${magic} is not IDX (expected 0x000008 followed by the dimension count). ` +
        (isGzip(buffer) ? 'The file is gzip-compressed: name it *.gz or gunzip it. ' : '') +
        fix,
    );
  }
  if (buffer[2] !== 0x08) {
    throw new BadMagicError(
      `${file}: IDX data type 0x${buffer[2].toString(16).padStart(2, '0')} is not unsigned byte (0x08); ` +
        `only uint8 IDX files (images and labels) are supported. ${fix}`,
    );
  }
  const rank = buffer[3];
  if (rank < 1) throw new BadMagicError(`${file}: IDX header declares 0 dimensions. ${fix}`);
  const headerBytes = 4 + 4 * rank;
  if (buffer.length < headerBytes) {
    throw new TruncatedFileError(`${file}: file ends inside the IDX header (${buffer.length} bytes). ${fix}`);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = buffer.length - headerBytes;
  if (got < expected) {
    throw new TruncatedFileError(
      `${file}: truncated: the header promises ${expected} data bytes (dims ${dims.join('x')}) but only ` +
        `${got} follow. ${fix}`,
    );
  }
  if (got > expected) {
    throw new BadFormatError(
      `${file}: ${got - expected} unexpected bytes after the ${expected} data bytes of dims ` +
        `${dims.join('x')}. ${fix}`,
    );
  }
  return { dims, data: buffer.subarray(headerBytes, headerBytes + expected) };
}

/** Reads and parses an IDX file, gunzipping it first when it is gzip-compressed (`.gz`). */
export async function readIdx(path: string): Promise<IdxArray> {
  let buffer = await readFileOrThrow(path, 'Pass the path of an IDX file (plain or .gz).');
  if (isGzip(buffer)) buffer = await gunzipFile(buffer, path);
  return parseIdx(buffer, path);
}

/** Options of {@link readIdxDataset}. */
export interface IdxDatasetSpec {
  name: string;
  split: Split;
  imagesPath: string;
  labelsPath: string;
  classNames: readonly string[];
}

/** Reads an image IDX file `[N, H, W]` and a label IDX file `[N]` into an {@link ImageDataset}. */
export async function readIdxDataset(spec: IdxDatasetSpec): Promise<ImageDataset> {
  const [images, labels] = await Promise.all([readIdx(spec.imagesPath), readIdx(spec.labelsPath)]);
  if (images.dims.length !== 3) {
    throw new BadFormatError(
      `${spec.imagesPath}: an image IDX file has 3 dimensions [N, H, W], this one has ` +
        `[${images.dims.join(', ')}]. Did you swap the images and labels files?`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new BadFormatError(
      `${spec.labelsPath}: a label IDX file has 1 dimension [N], this one has [${labels.dims.join(', ')}]. ` +
        'Did you swap the images and labels files?',
    );
  }
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) {
    throw new CountMismatchError(
      `${basename(spec.imagesPath)} holds ${n} images but ${basename(spec.labelsPath)} holds ` +
        `${labels.dims[0]} labels. Use the images and labels files of the same split.`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels.data[i];
    if (y >= spec.classNames.length) {
      throw new BadFormatError(
        `${spec.labelsPath}: label ${y} of item ${i} is not a class of ${spec.name} ` +
          `(0…${spec.classNames.length - 1}). Pass the labels file of this data set.`,
      );
    }
    out[i] = y;
  }
  return new ImageDataset({
    name: spec.name,
    split: spec.split,
    images: images.data,
    shape: [n, h, w, 1],
    labels: out,
    classNames: spec.classNames,
  });
}
