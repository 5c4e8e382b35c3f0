import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SizeMismatchError } from './errors';
import { ImageDataset } from './image-dataset';
import { imageFolder } from './image-folder';
import { regularizationIndices } from './regularization';

/** A grey test photo whose pixel (y, x) is (7y + 13x) mod 256, so every pixel names its position. */
const pattern = (y: number, x: number) => (7 * y + 13 * x) % 256;

/**
 * The reference's regularization image of an h×w grey photo, written from its definition: rows
 * h//2 − 72 … h//2 + 72 and columns w//2 − 128 … w//2 + 128 at full resolution, then every 4th pixel.
 */
function reference(h: number, w: number): number[] {
  const top = Math.floor(h / 2) - 72;
  const left = Math.floor(w / 2) - 128;
  const out: number[] = [];
  for (let y = 0; y < 144; y += 4) for (let x = 0; x < 256; x += 4) out.push(pattern(top + y, left + x));
  return out;
}

describe("the reference's ImageNet transform ('imagenet-regularization')", () => {
  let dir = '';
  const sizes: [number, number][] = [
    [144, 256], // exactly the crop (the imagenet-sample-1000 files)
    [150, 262], // even sizes
    [151, 263], // odd sizes: ⌊h/2⌋ − 72, not round((h − 144) / 2)
    [375, 500], // a typical ImageNet photo
  ];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixsim-imagenet-'));
    for (const [h, w] of sizes) {
      await mkdir(join(dir, `${h}x${w}`, 'c'), { recursive: true });
      const pixels = Buffer.alloc(h * w);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * w + x] = pattern(y, x);
      await sharp(pixels, { raw: { width: w, height: h, channels: 1 } })
        .png()
        .toFile(join(dir, `${h}x${w}`, 'c', 'photo.png'));
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives exactly the reference pixels: 36×64 grey, crop offsets for odd and even sizes, stride 4', async () => {
    for (const [h, w] of sizes) {
      const data = await imageFolder(join(dir, `${h}x${w}`), {
        transform: 'imagenet-regularization',
        cacheDir: false,
      });
      expect(data.shape, `${h}x${w}`).toEqual([1, 36, 64, 1]);
      expect(Array.from(data.image(0)), `${h}x${w}`).toEqual(reference(h, w));
    }
  });

  it('refuses photos smaller than 144×256, naming the thumbnail transform', async () => {
    const small = join(dir, 'small', 'c');
    await mkdir(small, { recursive: true });
    await sharp(Buffer.alloc(64 * 64, 9), { raw: { width: 64, height: 64, channels: 1 } })
      .png()
      .toFile(join(small, 'thumb.png'));
    const load = imageFolder(join(dir, 'small'), { transform: 'imagenet-regularization', cacheDir: false });
    await expect(load).rejects.toThrow(SizeMismatchError);
    await expect(
      imageFolder(join(dir, 'small'), { transform: 'imagenet-regularization', cacheDir: false }),
    ).rejects.toThrow(/imagenet-thumbnail/);
    const thumb = await imageFolder(join(dir, 'small'), { transform: 'imagenet-thumbnail', cacheDir: false });
    expect(thumb.shape).toEqual([1, 36, 64, 1]);
  });

  it('is the same as the explicit options of the stand-in for thumbnails (grey, crop 36×64)', async () => {
    const a = await imageFolder(join(dir, 'small'), { transform: 'imagenet-thumbnail', cacheDir: false });
    const b = await imageFolder(join(dir, 'small'), { grey: true, crop: [36, 64], cacheDir: false });
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
  });
});

describe("the 'spread' selection", () => {
  /** A class-sorted data set: `perClass` images of each of `classes` classes, in class order. */
  function sorted(classes: number, perClass: number): ImageDataset {
    const n = classes * perClass;
    return new ImageDataset({
      name: 'sorted',
      split: 'train',
      images: new Uint8Array(n * 4),
      shape: [n, 2, 2, 1],
      labels: Int32Array.from({ length: n }, (_, i) => Math.floor(i / perClass)),
      classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
    });
  }

  it('covers ⌈N / images per class⌉ classes or all, never twice an image, deterministic in the seed', () => {
    for (const [classes, perClass, n] of [
      [927, 1, 500],
      [200, 25, 150],
      [200, 25, 2000],
      [10, 3, 30],
      [7, 4, 5],
    ]) {
      const data = sorted(classes, perClass);
      const picked = regularizationIndices(data, n, 3, 'spread');
      expect(picked.length).toBe(n);
      expect(new Set(picked).size).toBe(n);
      const covered = new Set(Array.from(picked, (i) => data.labels[i])).size;
      expect(covered).toBe(Math.min(classes, n));
      expect(covered).toBeGreaterThanOrEqual(Math.min(classes, Math.ceil(n / perClass)));
      // Balanced: class counts differ by at most one.
      const counts = new Map<number, number>();
      for (const i of picked) counts.set(data.labels[i], (counts.get(data.labels[i]) ?? 0) + 1);
      expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
      expect(Array.from(regularizationIndices(data, n, 3, 'spread'))).toEqual(Array.from(picked));
    }
    const data = sorted(50, 4);
    expect(Array.from(regularizationIndices(data, 60, 1, 'spread'))).not.toEqual(
      Array.from(regularizationIndices(data, 60, 2, 'spread')),
    );
    // 'first' on the same class-sorted set covers only the first classes.
    const first = regularizationIndices(data, 60, 1, 'first');
    expect(new Set(Array.from(first, (i) => data.labels[i])).size).toBe(15);
  });
});
