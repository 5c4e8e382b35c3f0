// Helpers for tests: write small files in the official formats. Not part of the public API.
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes with the given dimensions. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, Buffer.from(data)]);
}

/**
 * CIFAR binary records: `labels[r]` (and `coarse[r]` for CIFAR-100) then R, G, B planes. Pixel
 * (y, x, ch) of record r is `pixel(r, y, x, ch)`.
 */
export function cifarBytes(
  labels: number[],
  pixel: (r: number, y: number, x: number, ch: number) => number,
  coarse?: number[],
): Buffer {
  const labelBytes = coarse ? 2 : 1;
  const record = labelBytes + 3072;
  const out = Buffer.alloc(labels.length * record);
  labels.forEach((label, r) => {
    const at = r * record;
    if (coarse) out[at] = coarse[r];
    out[at + labelBytes - 1] = label;
    for (let ch = 0; ch < 3; ch++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[at + labelBytes + ch * 1024 + y * 32 + x] = pixel(r, y, x, ch);
  });
  return out;
}

/** A gzip-compressed ustar archive of regular files (what `tar czf` writes). */
export function tarGz(entries: { path: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { path, data } of entries) {
    const header = Buffer.alloc(512);
    header.write(path, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
      'latin1',
    );
    header.write('        ', 148, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\0', 257, 'latin1');
    header.write('00', 263, 'latin1');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
