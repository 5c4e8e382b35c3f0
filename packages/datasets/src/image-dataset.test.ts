import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CountMismatchError, InvalidOptionError } from './errors';
import { ImageDataset } from './image-dataset';
import { imagesToTensor, taskPixelScale } from './preprocess';
import {
  regularizationChoice,
  regularizationIndices,
  regularizationOrder,
  regularizationSet,
} from './regularization';

/** N images 4x5xC whose pixel (y, x, ch) of image i is (i*13 + y*5 + x + ch*50) % 256; label i % classes. */
function toy(n: number, c = 3, classes = 4): ImageDataset {
  const h = 4;
  const w = 5;
  const images = new Uint8Array(n * h * w * c);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++)
          images[((i * h + y) * w + x) * c + k] = (i * 13 + y * 5 + x + k * 50) % 256;
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  return new ImageDataset({
    name: 'toy',
    split: 'train',
    images,
    shape: [n, h, w, c],
    labels,
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
  });
}

describe('ImageDataset', () => {
  it('validates its parts', () => {
    expect(
      () =>
        new ImageDataset({
          name: 't',
          split: 'train',
          images: new Uint8Array(5),
          shape: [1, 2, 2, 1],
          labels: new Int32Array(1),
          classNames: ['a'],
        }),
    ).toThrow(CountMismatchError);
    expect(
      () =>
        new ImageDataset({
          name: 't',
          split: 'train',
          images: new Uint8Array(4),
          shape: [1, 2, 2, 1],
          labels: Int32Array.from([3]),
          classNames: ['a'],
        }),
    ).toThrow(/label 3 of image 0 is outside \[0, 1\)/);
  });

  it('subset(n, seed) is reproducible, distinct, and differs between seeds', () => {
    const data = toy(100);
    const a = data.sampleIndices(10, 7);
    expect(Array.from(data.sampleIndices(10, 7))).toEqual(Array.from(a));
    expect(new Set(a).size).toBe(10);
    expect(Array.from(data.sampleIndices(10, 8))).not.toEqual(Array.from(a));
    const sub = data.subset(10, 7);
    expect(sub.shape).toEqual([10, 4, 5, 3]);
    expect(Array.from(sub.image(3))).toEqual(Array.from(data.image(a[3])));
    expect(sub.labels[3]).toBe(data.labels[a[3]]);
    expect(() => data.subset(101, 1)).toThrow(InvalidOptionError);
    expect(() => data.subset(5, 1.5)).toThrow(/seed must be an integer/);
  });

  it('holdout(fraction, seed) is stratified and disjoint', () => {
    const data = toy(200, 1, 4); // 50 per class, every image distinct
    const { train, validation } = data.holdout(0.1, 3);
    expect(Array.from(validation.classCounts())).toEqual([5, 5, 5, 5]);
    expect(Array.from(train.classCounts())).toEqual([45, 45, 45, 45]);
    expect(validation.split).toBe('validation');
    const key = (d: ImageDataset, i: number) => Buffer.from(d.image(i)).toString('hex');
    const seen = new Set(Array.from({ length: train.size }, (_, i) => key(train, i)));
    for (let i = 0; i < validation.size; i++) expect(seen.has(key(validation, i))).toBe(false);
    expect(Array.from(data.holdout(0.1, 3).validation.labels)).toEqual(Array.from(validation.labels));
    expect(() => data.holdout(1, 0)).toThrow(/fraction must be in \(0, 1\)/);
  });

  it('imagesToTensor applies [0,1], 5·(x−0.5) and grey (luma / mean)', () => {
    const data = toy(3);
    const start = tf.memory().numTensors;
    const unit = data.toTensor([2, 0]);
    const paper = imagesToTensor(data, [2, 0], { scale: 'paper' });
    const grey = imagesToTensor(data, [2], { grey: true });
    const mean = imagesToTensor(data, [2], { grey: 'mean' });
    expect(unit.shape).toEqual([2, 4, 5, 3]);
    const u = unit.dataSync();
    const p = paper.dataSync();
    const raw = data.image(2);
    expect(u[7]).toBeCloseTo(raw[7] / 255, 6);
    expect(p[7]).toBeCloseTo(5 * (raw[7] / 255 - 0.5), 5);
    expect(grey.shape).toEqual([1, 4, 5, 1]);
    expect(grey.dataSync()[0]).toBeCloseTo((0.299 * raw[0] + 0.587 * raw[1] + 0.114 * raw[2]) / 255, 5);
    expect(mean.dataSync()[0]).toBeCloseTo((raw[0] + raw[1] + raw[2]) / 3 / 255, 5);
    tf.dispose([unit, paper, grey, mean]);
    expect(tf.memory().numTensors).toBe(start);
    expect(() => imagesToTensor(data, [3])).toThrow(/index 3 at position 0 is not an integer in \[0, 3\)/);
  });

  it('batches: seeded shuffle covers every image once, labels match, tensors are released', async () => {
    const data = toy(10);
    const start = tf.memory().numTensors;
    const seen: number[] = [];
    const sizes: number[] = [];
    for await (const { xs, ys, indices } of data.batches({ batchSize: 4, seed: 1, scale: 'paper' })) {
      sizes.push(xs.shape[0]);
      const labels = Array.from(ys.dataSync());
      expect(labels).toEqual(Array.from(indices, (i) => data.labels[i]));
      const expected = imagesToTensor(data, indices, { scale: 'paper' });
      expect(Array.from(xs.dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([xs, ys, expected]);
      seen.push(...indices);
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again: number[] = [];
    for await (const b of data.batches({ batchSize: 4, seed: 1, dropLast: true })) {
      again.push(...b.indices);
      tf.dispose([b.xs, b.ys]);
    }
    expect(again).toEqual(seen.slice(0, 8));
    expect(tf.memory().numTensors).toBe(start);
  });

  it('batches: with prefetch the next batch is prepared while the consumer awaits; same batches either way', async () => {
    const prepared = async (prefetch: boolean) => {
      const data = toy(8);
      const raw = data.images;
      let reads = 0;
      Object.defineProperty(data, 'images', {
        get: () => {
          reads++;
          return raw;
        },
      });
      const readsWhileConsuming: number[] = [];
      const indices: number[][] = [];
      for await (const { xs, ys, indices: idx } of data.batches({ batchSize: 4, seed: 2, prefetch })) {
        const before = reads;
        await new Promise((r) => setTimeout(r, 5)); // the consumer's own async work (a training step)
        readsWhileConsuming.push(reads - before);
        indices.push(Array.from(idx));
        tf.dispose([xs, ys]);
      }
      return { readsWhileConsuming, indices };
    };
    const on = await prepared(true);
    const off = await prepared(false);
    expect(on.readsWhileConsuming).toEqual([4, 0]); // batch 1's four images were read during batch 0
    expect(off.readsWhileConsuming).toEqual([0, 0]);
    expect(on.indices).toEqual(off.indices);
  });

  it('batches: one-hot labels, grey, and no leak when the consumer stops early', async () => {
    const data = toy(9);
    const start = tf.memory().numTensors;
    for await (const { xs, ys } of data.batches({
      batchSize: 3,
      shuffle: false,
      labels: 'oneHot',
      grey: true,
    })) {
      expect(xs.shape).toEqual([3, 4, 5, 1]);
      expect(ys.shape).toEqual([3, 4]);
      expect(Array.from(ys.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
      tf.dispose([xs, ys]);
      break;
    }
    await new Promise((r) => setImmediate(r));
    expect(tf.memory().numTensors).toBe(start);
    const iterate = async (options: Parameters<ImageDataset['batches']>[0]) => {
      for await (const b of data.batches(options)) tf.dispose([b.xs, b.ys]);
    };
    await expect(iterate({ batchSize: 3 })).rejects.toThrow(/seed must be an integer/);
    await expect(iterate({ batchSize: 0, seed: 1 })).rejects.toThrow(/batchSize must be a positive integer/);
  });

  it('CIFAR augmentation: each image is a reflect-padded crop of its source, flipped or not, seeded', async () => {
    const data = toy(6, 1);
    const [, h, w] = data.shape;
    const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    const augment = { padding: 2, flip: true } as const;
    const run = async (seed: number) => {
      const out: number[][] = [];
      for await (const { xs, ys, indices } of data.batches({ batchSize: 6, seed, augment, shuffle: false })) {
        const v = xs.dataSync();
        for (let b = 0; b < indices.length; b++) {
          const src = data.image(indices[b]);
          const got = Array.from(v.subarray(b * h * w, (b + 1) * h * w), (x) => Math.round(x * 255));
          // Find the (dy, dx, flip) that explains the output.
          let match = false;
          for (let dy = 0; dy <= 4 && !match; dy++)
            for (let dx = 0; dx <= 4 && !match; dx++)
              for (const flip of [false, true]) {
                let ok = true;
                for (let y = 0; y < h && ok; y++)
                  for (let x = 0; x < w && ok; x++) {
                    const tx = flip ? w - 1 - x : x;
                    const s = src[reflect(y + dy - 2, h) * w + reflect(tx + dx - 2, w)];
                    ok = s === got[y * w + x];
                  }
                if (ok) match = true;
              }
          expect(match).toBe(true);
          out.push(got);
        }
        tf.dispose([xs, ys]);
      }
      return out;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
    const cifarLike = toy(2);
    await expect(
      (async () => {
        for await (const b of cifarLike.batches({
          batchSize: 2,
          seed: 1,
          augment: { padding: 4, flip: true },
        }))
          tf.dispose([b.xs, b.ys]);
      })(),
    ).rejects.toThrow(/reflect padding 4 must be smaller than the image side/);
  });

  it('regularizationSet picks N seeded images in the model input format', () => {
    const data = toy(50);
    const start = tf.memory().numTensors;
    const reg = regularizationSet(data, { n: 8, seed: 11, grey: true, scale: 'paper' });
    expect(reg.images.shape).toEqual([8, 4, 5, 1]);
    // N distinct images, in the seeded order both the library and the pixsim CLI use.
    const chosen = Array.from(regularizationChoice(data, 8, 11, 'random'));
    expect(new Set(chosen).size).toBe(8);
    expect(Array.from(reg.indices)).toEqual(Array.from(regularizationOrder(8, 11), (k) => chosen[k]));
    expect([...reg.indices].sort((x, y) => x - y)).toEqual(chosen);
    expect(Array.from(reg.labels)).toEqual(Array.from(reg.indices, (i) => data.labels[i]));
    const expected = imagesToTensor(data, reg.indices, { grey: true, scale: 'paper' });
    expect(Array.from(reg.images.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([reg.images, expected]);
    expect(tf.memory().numTensors).toBe(start);
    expect(() => regularizationSet(data, { n: 51, seed: 0 })).toThrow(/n must be an integer in \[0, 50\]/);
  });

  it("regularizationSet 'first' takes the first N images, shuffled with the seed (the reference's choice)", () => {
    const data = toy(50);
    const start = tf.memory().numTensors;
    const reg = regularizationSet(data, { n: 12, seed: 3, selection: 'first' });
    const picked = Array.from(reg.indices);
    expect([...picked].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(picked).not.toEqual([...picked].sort((x, y) => x - y));
    const again = regularizationSet(data, { n: 12, seed: 3, selection: 'first' });
    expect(Array.from(again.indices)).toEqual(picked);
    again.images.dispose();
    expect(Array.from(regularizationIndices(data, 12, 4, 'first'))).not.toEqual(picked);
    expect(Array.from(reg.dataset.image(0))).toEqual(Array.from(data.image(picked[0])));
    expect(Array.from(reg.labels)).toEqual(picked.map((i) => data.labels[i]));
    reg.images.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => regularizationSet(data, { n: 51, seed: 0, selection: 'first' })).toThrow(
      /n must be an integer in \[0, 50\]/,
    );
    expect(() => regularizationSet(data, { n: 5, seed: 0.5, selection: 'first' })).toThrow(
      InvalidOptionError,
    );
    expect(() => regularizationSet(data, { n: 5, seed: 0, selection: 'last' as unknown as 'first' })).toThrow(
      /selection must be 'random', 'first'/,
    );
  });

  it('the default scaling follows the task: [0, 1] for MNIST-like names, 5·(x − 0.5) for CIFAR', () => {
    expect(taskPixelScale('mnist')).toBe('unit');
    expect(taskPixelScale('fashion-mnist')).toBe('unit');
    expect(taskPixelScale('cifar10')).toBe('paper');
    expect(taskPixelScale('cifar100')).toBe('paper');
    expect(taskPixelScale('tiny-imagenet')).toBe('unit');
    const pixels = (name: string) => {
      const base = toy(2, 1);
      const d = new ImageDataset({
        name,
        split: 'train',
        images: base.images,
        shape: base.shape,
        labels: base.labels,
        classNames: base.classNames,
      });
      const t = d.toTensor();
      const v = t.dataSync()[1];
      t.dispose();
      return v;
    };
    const raw = toy(2, 1).images[1];
    expect(pixels('mnist')).toBeCloseTo(raw / 255, 6);
    expect(pixels('cifar10')).toBeCloseTo(5 * (raw / 255 - 0.5), 5);
    expect(pixels('cifar100')).toBeCloseTo(5 * (raw / 255 - 0.5), 5);
  });
});
