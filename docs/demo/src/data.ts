/** The MNIST sample shipped with the demo (`data/mnist-digits.bin`, written by `make-data.mjs`). */
export interface DigitSet {
  /** Pixels 0–255, `count · 784` bytes, row-major 28×28 digits. */
  images: Uint8Array;
  /** Class 0–9 of each digit. */
  labels: Int32Array;
  count: number;
}

export interface DemoData {
  train: DigitSet;
  test: DigitSet;
  rows: number;
  cols: number;
}

const MAGIC = 'PXSM';

/** Gunzips `bytes` when they start with the gzip magic (a server may already have decoded them). */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decodes the demo's data file (see `make-data.mjs` for the format). */
export async function decodeDigits(file: ArrayBuffer): Promise<DemoData> {
  const bytes = await gunzip(new Uint8Array(file));
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC || bytes[4] !== 1) throw new Error(`not a pixsim demo data file (magic '${magic}')`);
  const rows = bytes[5];
  const cols = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nTrain = view.getUint32(8, true);
  const nTest = view.getUint32(12, true);
  const size = rows * cols;
  const expected = 16 + nTrain + nTest + (nTrain + nTest) * size;
  if (bytes.length !== expected) throw new Error(`data file has ${bytes.length} bytes, expected ${expected}`);
  let offset = 16;
  const take = (n: number) => {
    const part = bytes.slice(offset, offset + n);
    offset += n;
    return part;
  };
  const trainLabels = Int32Array.from(take(nTrain));
  const testLabels = Int32Array.from(take(nTest));
  const trainImages = take(nTrain * size);
  const testImages = take(nTest * size);
  return {
    rows,
    cols,
    train: { images: trainImages, labels: trainLabels, count: nTrain },
    test: { images: testImages, labels: testLabels, count: nTest },
  };
}
