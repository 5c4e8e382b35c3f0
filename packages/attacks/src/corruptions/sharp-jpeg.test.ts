import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AttackError, MissingPackageError } from '../errors';
import { corruptAsync, sharpJpeg } from '../node';
import { uniformImages } from '../test-helpers';
import { encodeJpeg, loadSharp } from './sharp-jpeg';

/** The quantisation tables (DQT segments) of a baseline JPEG: table id → 64 values in zigzag order. */
function quantTables(jpeg: Uint8Array): Map<number, number[]> {
  const tables = new Map<number, number[]>();
  let i = 2;
  while (i < jpeg.length && jpeg[i] === 0xff && jpeg[i + 1] !== 0xda) {
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (jpeg[i + 1] === 0xdb) {
      for (let p = i + 4; p < i + 2 + length; p += 65)
        tables.set(jpeg[p] & 0x0f, Array.from(jpeg.subarray(p + 1, p + 65)));
    }
    i += 2 + length;
  }
  return tables;
}

/** libjpeg's scaling of a base table entry to `quality` (jcparam.c): ⌊(base·scale + 50)/100⌋ clamped to 1…255. */
function scaled(base: number, quality: number): number {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - 2 * quality;
  return Math.min(255, Math.max(1, Math.floor((base * scale + 50) / 100)));
}

describe('jpeg-compression through sharp (@pixsim/attacks/node)', () => {
  it('encodes at the CIFAR-10-C quality of each severity (80, 65, 58, 50, 40): the standard tables scaled', async () => {
    const s = await loadSharp();
    const data = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
    for (const quality of [80, 65, 58, 50, 40]) {
      const tables = quantTables(await encodeJpeg(s, { data, width: 16, height: 16, channels: 3 }, quality));
      // Annex K base tables: luminance starts 16, 11, 12 (zigzag); chrominance 17, 18, 18.
      expect(tables.get(0)?.slice(0, 3)).toEqual([16, 11, 12].map((b) => scaled(b, quality)));
      expect(tables.get(1)?.slice(0, 3)).toEqual([17, 18, 18].map((b) => scaled(b, quality)));
    }
  });

  it('encodes grey images as one-component JPEGs (as Pillow saves mode L): one table, one channel', async () => {
    const s = await loadSharp();
    const data = Uint8Array.from({ length: 16 * 16 }, (_, i) => (i * 37) % 256);
    const file = await encodeJpeg(s, { data, width: 16, height: 16, channels: 1 }, 58);
    expect((await sharp(file).metadata()).channels).toBe(1);
    const tables = quantTables(file);
    expect([...tables.keys()]).toEqual([0]);
    expect(tables.get(0)?.[0]).toBe(scaled(16, 58));
  });

  it('corruptAsync equals decoding sharp’s own JPEG of the byte image, RGB and grey', async () => {
    const start = tf.memory().numTensors;
    const jpeg = await sharpJpeg();
    for (const c of [3, 1] as const) {
      const x = uniformImages([2, 16, 12, c], 0, 1, c);
      const values = x.dataSync();
      for (const [severity, quality] of [
        [1, 80],
        [5, 40],
      ]) {
        const y = await corruptAsync(x, 'jpeg-compression', severity, { jpeg });
        const out = y.dataSync();
        y.dispose();
        const d = 16 * 12 * c;
        for (const i of [0, 1]) {
          const bytes = Uint8Array.from(values.subarray(i * d, (i + 1) * d), (v) => Math.round(255 * v));
          let enc = sharp(bytes, { raw: { width: 12, height: 16, channels: c } });
          if (c === 1) enc = enc.toColourspace('b-w');
          const file = await enc.jpeg({ quality }).toBuffer();
          const dec = sharp(file);
          const raw = await (c === 1 ? dec.toColourspace('b-w') : dec).raw().toBuffer();
          expect(raw.length).toBe(d);
          for (let k = 0; k < d; k++) expect(out[i * d + k]).toBeCloseTo(raw[k] / 255, 7);
          // A lossy round trip: not the input, but close to it.
          let err = 0;
          for (let k = 0; k < d; k++) err += Math.abs(out[i * d + k] - values[i * d + k]);
          expect(err / d).toBeGreaterThan(0.005);
          expect(err / d).toBeLessThan(0.3);
        }
      }
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('lower quality loses more on a noisy image', async () => {
    const jpeg = await sharpJpeg();
    const x = uniformImages([1, 32, 32, 3], 0, 1, 9);
    const errors: number[] = [];
    for (let s = 1; s <= 5; s++) {
      const y = await corruptAsync(x, 'jpeg-compression', s, { jpeg });
      errors.push(tf.tidy(() => tf.mean(tf.abs(tf.sub(y, x))).dataSync()[0]));
      y.dispose();
    }
    for (let s = 1; s < 5; s++) expect(errors[s]).toBeGreaterThan(errors[s - 1]);
    x.dispose();
  });

  it('a missing sharp is a MissingPackageError naming the install', async () => {
    const missing = 'pixsim-no-such-package';
    const e = await loadSharp(() => import(/* @vite-ignore */ missing)).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(MissingPackageError);
    expect(AttackError.is(e)).toBe(true);
    expect(e).toMatchObject({ code: 'MISSING_PACKAGE', packageName: 'sharp' });
    expect((e as Error).message).toMatch(/npm install sharp/);
  });
});
