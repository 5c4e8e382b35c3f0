import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AttackError,
  CorruptionUnavailableError,
  DisposedTensorError,
  InvalidOptionError,
  InvalidSeverityError,
  NonFiniteValueError,
  OutOfBoundsError,
  ShapeMismatchError,
  UnknownCorruptionError,
} from '../errors';
import { uniformImages } from '../test-helpers';
import { corrupt, corruptAsync, corruptionSeed } from './corrupt';
import { ALGORITHMIC_CORRUPTIONS, CORRUPTION_FAMILIES, type CorruptionFamily } from './families';
import type { JpegCodec } from './jpeg';

/** A stand-in JPEG codec: inverts every byte, and records the qualities it was asked for. */
function fakeCodec(): JpegCodec & { qualities: number[] } {
  const qualities: number[] = [];
  const codec = (async (image, quality) => {
    qualities.push(quality);
    return image.data.map((b) => 255 - b);
  }) as JpegCodec & { qualities: number[] };
  codec.qualities = qualities;
  return codec;
}

/** Runs `f`, expecting it to throw; returns the error. */
async function caught(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('corrupt: outputs', () => {
  it('every family at every severity gives [N, H, W, C] values in [0, 1], RGB and grey, sync = async', async () => {
    const start = tf.memory().numTensors;
    for (const c of [3, 1]) {
      const x = uniformImages([2, 12, 10, c], 0, 1, c);
      for (const family of ALGORITHMIC_CORRUPTIONS) {
        if (family === 'saturate' && c === 1) continue;
        for (let s = 1; s <= 5; s++) {
          const y = corrupt(x, family, s, { seed: 3 });
          const z = await corruptAsync(x, family, s, { seed: 3 });
          expect(y.shape).toEqual([2, 12, 10, c]);
          const v = y.dataSync();
          expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...v)).toBeLessThanOrEqual(1);
          expect(Array.from(z.dataSync())).toEqual(Array.from(v));
          tf.dispose([y, z]);
        }
      }
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('jpeg-compression round-trips bytes round(255·x) through the codec at quality 80, 65, 58, 50, 40', async () => {
    const x = tf.tensor4d([0, 0.5, 1, 0.2], [1, 2, 2, 1]);
    const codec = fakeCodec();
    for (let s = 1; s <= 5; s++) {
      const y = await corruptAsync(x, 'jpeg-compression', s, { jpeg: codec });
      expect(Array.from(y.dataSync())).toEqual([255, 127, 0, 204].map((b) => expect.closeTo(b / 255, 7)));
      y.dispose();
    }
    expect(codec.qualities).toEqual([80, 65, 58, 50, 40]);
    x.dispose();
  });

  it('does not depend on batching: a batch with indexOffset k equals images k… of the whole set', () => {
    const x = uniformImages([4, 8, 8, 3], 0, 1, 1);
    for (const family of [
      'gaussian-noise',
      'shot-noise',
      'impulse-noise',
      'motion-blur',
      'elastic-transform',
    ] as const) {
      const all = corrupt(x, family, 3, { seed: 5 });
      const tail = tf.slice(x, [2, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
      const part = corrupt(tail, family, 3, { seed: 5, indexOffset: 2 });
      const want = tf.slice(all, [2, 0, 0, 0], [2, -1, -1, -1]);
      expect(Array.from(part.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([all, tail, part, want]);
    }
    x.dispose();
  });

  it('leaves the caller’s images alone and accepts int32 zeros/ones', () => {
    const x = tf.tensor4d([0, 1, 1, 0], [1, 2, 2, 1], 'int32');
    const y = corrupt(x, 'contrast', 2);
    expect(x.isDisposed).toBe(false);
    expect(Array.from(y.dataSync())).toEqual([0.25, 0.75, 0.75, 0.25]);
    tf.dispose([x, y]);
  });

  it('corruptionSeed derives one seed per (family, severity)', () => {
    const seeds = new Set<number>();
    for (const f of CORRUPTION_FAMILIES) for (let s = 1; s <= 5; s++) seeds.add(corruptionSeed(1, f, s));
    expect(seeds.size).toBe(CORRUPTION_FAMILIES.length * 5);
    expect(corruptionSeed(1, 'shot-noise', 2)).toBe(corruptionSeed(1, 'shot-noise', 2));
    expect(() => corruptionSeed(1, 'shot-noise', 6)).toThrow(InvalidSeverityError);
  });
});

describe('corrupt: typed errors, no tensor left behind', () => {
  const x = () => tf.fill([1, 4, 4, 3], 0.5) as tf.Tensor4D;

  async function expectError(f: () => unknown, type: new (...a: never[]) => Error, fields: object = {}) {
    const start = tf.memory().numTensors;
    const e = await caught(f);
    expect(e).toBeInstanceOf(type);
    expect(AttackError.is(e)).toBe(true);
    expect(e).toMatchObject(fields);
    expect(tf.memory().numTensors).toBe(start);
  }

  it('severity not an integer 1–5', async () => {
    const img = x();
    for (const s of [0, 6, 2.5, -1, Number.NaN, '3', undefined]) {
      await expectError(() => corrupt(img, 'contrast', s as number), InvalidSeverityError, {
        code: 'INVALID_SEVERITY',
        severity: s,
      });
      await expectError(() => corruptAsync(img, 'contrast', s as number), InvalidSeverityError);
    }
    img.dispose();
  });

  it('unknown families, and known ones this package cannot compute (frost needs texture files)', async () => {
    const img = x();
    for (const f of ['gaussian_noise', 'Gaussian Noise', '', 3, undefined]) {
      await expectError(() => corrupt(img, f as CorruptionFamily, 1), UnknownCorruptionError, {
        code: 'UNKNOWN_CORRUPTION',
        family: f,
      });
    }
    await expectError(() => corrupt(img, 'frost' as CorruptionFamily, 1), CorruptionUnavailableError, {
      reason: 'texture-files',
      family: 'frost',
    });
    for (const f of ['fog', 'snow', 'glass-blur']) {
      await expectError(() => corrupt(img, f as CorruptionFamily, 1), CorruptionUnavailableError, {
        reason: 'not-implemented',
      });
    }
    img.dispose();
  });

  it('a random family without a seed, a bad seed or indexOffset, non-object options', async () => {
    const img = x();
    await expectError(() => corrupt(img, 'gaussian-noise', 1), InvalidOptionError);
    await expectError(() => corrupt(img, 'elastic-transform', 1, {}), InvalidOptionError);
    await expectError(() => corrupt(img, 'contrast', 1, { seed: 1.5 }), InvalidOptionError);
    await expectError(() => corrupt(img, 'shot-noise', 1, { seed: 1, indexOffset: -1 }), InvalidOptionError);
    await expectError(() => corrupt(img, 'contrast', 1, 'fast' as never), InvalidOptionError);
    img.dispose();
  });

  it('bad images: rank, channels, empty, out of [0, 1], NaN, disposed, not a tensor', async () => {
    const rank3 = tf.zeros([4, 4, 3]);
    const four = tf.zeros([1, 4, 4, 4]) as tf.Tensor4D;
    const empty = tf.zeros([0, 4, 4, 3]) as tf.Tensor4D;
    const bytes = tf.fill([1, 4, 4, 3], 200) as tf.Tensor4D;
    const nan = tf.tensor4d([0, Number.NaN, 0.5, 1], [1, 2, 2, 1]);
    const gone = x();
    gone.dispose();
    await expectError(() => corrupt(rank3 as tf.Tensor4D, 'contrast', 1), ShapeMismatchError);
    await expectError(() => corrupt(four, 'contrast', 1), ShapeMismatchError);
    await expectError(() => corrupt(empty, 'contrast', 1), ShapeMismatchError);
    await expectError(() => corrupt(bytes, 'contrast', 1), OutOfBoundsError, { min: 200, max: 200 });
    await expectError(() => corruptAsync(bytes, 'gaussian-noise', 1, { seed: 1 }), OutOfBoundsError);
    await expectError(() => corrupt(nan, 'pixelate', 1), NonFiniteValueError);
    await expectError(() => corrupt(gone, 'contrast', 1), DisposedTensorError);
    await expectError(() => corrupt([[0.5]] as never, 'contrast', 1), ShapeMismatchError);
    tf.dispose([rank3, four, empty, bytes, nan]);
  });

  it('jpeg-compression: synchronous call, missing or bad codec, codec that fails or returns the wrong size', async () => {
    const img = x();
    await expectError(
      () => corrupt(img, 'jpeg-compression', 1, { jpeg: fakeCodec() }),
      CorruptionUnavailableError,
      { reason: 'sync' },
    );
    await expectError(() => corruptAsync(img, 'jpeg-compression', 1), CorruptionUnavailableError, {
      reason: 'needs-codec',
    });
    await expectError(
      () => corruptAsync(img, 'jpeg-compression', 1, { jpeg: 'sharp' as never }),
      InvalidOptionError,
    );
    const short: JpegCodec = async (image) => image.data.subarray(1);
    await expectError(() => corruptAsync(img, 'jpeg-compression', 1, { jpeg: short }), ShapeMismatchError);
    const failing: JpegCodec = async () => {
      throw new Error('encoder crashed');
    };
    const start = tf.memory().numTensors;
    await expect(corruptAsync(img, 'jpeg-compression', 1, { jpeg: failing })).rejects.toThrow(
      'encoder crashed',
    );
    expect(tf.memory().numTensors).toBe(start);
    img.dispose();
  });
});
