import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { batches } from './batches';
import { parseCifarRecords } from './cifar-format';
import { CountMismatchError, DatasetError, InvalidOptionError } from './errors';
import { parseIdx } from './idx';
import { ImageDataset } from './image-dataset';
import { imagesToTensor, taskPixelScale } from './preprocess';
import { regularizationIndices, regularizationSet } from './regularization';

/** A 6-image, 2-class dataset of 4×4×1 bytes. */
function toy(): ImageDataset {
  return new ImageDataset(init());
}
function init() {
  return {
    name: 'toy',
    split: 'train' as const,
    images: Uint8Array.from({ length: 6 * 16 }, (_, i) => (i * 37) % 256),
    shape: [6, 4, 4, 1] as const,
    labels: Int32Array.of(0, 1, 0, 1, 0, 1),
    classNames: ['a', 'b'],
  };
}
const ds = toy();
/** A valid IDX file: 2 unsigned-byte images of 2×2. */
const idx = () => Uint8Array.of(0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8);
const badIndices = [() => [0, 6], () => [0.5], () => [-1], () => [Number.NaN]];

/** Drains an async generator of batches, disposing every batch; returns how many there were. */
async function drain(gen: AsyncGenerator<{ xs: tf.Tensor; ys: tf.Tensor }>): Promise<number> {
  let count = 0;
  for await (const b of gen) {
    tf.dispose([b.xs, b.ys]);
    count++;
  }
  return count;
}

/** Every public function of @pixsim/datasets that takes data (downloads and loaders are tested on disk). */
const subjects: Subject[] = [
  {
    name: 'ImageDataset',
    args: () => [init()],
    call: (i) => new ImageDataset(i as never).size,
    bad: {
      0: [
        () => ({ ...init(), images: new Uint8Array(5) }),
        () => ({ ...init(), shape: [6, 4, 4, 1.5] }),
        () => ({ ...init(), shape: [0, 4, 4, 1], images: new Uint8Array(0), labels: new Int32Array(0) }),
        () => ({ ...init(), labels: Int32Array.of(0, 1, 0, 1, 0, 2) }),
        () => ({ ...init(), labels: Int32Array.of(0, 1) }),
        () => ({ ...init(), classNames: [] }),
        () => ({ ...init(), split: 'everything' }),
      ],
    },
  },
  {
    name: 'ImageDataset.image',
    args: () => [2],
    call: (i) => ds.image(i as number).length,
    bad: { 0: [() => 6] },
  },
  {
    name: 'ImageDataset.select',
    args: () => [[0, 2], 'subset'],
    call: (i, s) => ds.select(i as number[], s as never).size,
    bad: { 0: badIndices, 1: [() => 'all'] },
  },
  {
    name: 'ImageDataset.subset',
    args: () => [3, 1],
    call: (n, s) => ds.subset(n as number, s as number).size,
    bad: { 0: [() => 7, () => 2.5], 1: [() => 1.5] },
  },
  {
    name: 'ImageDataset.holdout',
    args: () => [0.3, 1],
    call: (f, s) => {
      const h = ds.holdout(f as number, s as number);
      return [h.train.size, h.validation.size];
    },
    bad: { 0: [() => 1.5, () => 1], 1: [() => 0.5] },
  },
  {
    name: 'ImageDataset.toTensor',
    args: () => [[0, 1], {}],
    call: (i, o) => ds.toTensor(i as number[], o as never),
    bad: { 0: badIndices, 1: [() => ({ scale: 'percent' }), () => ({ grey: 'blue' })] },
  },
  {
    name: 'imagesToTensor',
    args: () => [{ images: init().images, shape: [6, 4, 4, 1] }, [0, 1], {}],
    call: (s, i, o) => imagesToTensor(s as never, i as number[], o as never),
    bad: {
      0: [
        () => ({ images: new Uint8Array(3), shape: [6, 4, 4, 1] }),
        () => ({ images: init().images, shape: [6, 4, 4] }),
      ],
      1: badIndices,
      2: [() => ({ scale: 'percent' })],
    },
  },
  { name: 'taskPixelScale', args: () => ['mnist'], call: (n) => taskPixelScale(n as string) },
  {
    name: 'regularizationIndices',
    args: () => [ds, 4, 1, 'random'],
    call: (d, n, s, sel) => regularizationIndices(d as ImageDataset, n as number, s as number, sel as never),
    keep: [0],
    bad: { 1: [() => 7, () => 2.5], 2: [() => 1.5], 3: [() => 'best'] },
  },
  {
    name: 'regularizationSet',
    args: () => [ds, { n: 4, seed: 1 }],
    call: (d, o) => {
      const r = regularizationSet(d as ImageDataset, o as never);
      const n = r.images.shape[0];
      r.images.dispose();
      return n;
    },
    keep: [0],
    bad: {
      1: [
        () => ({ n: 7, seed: 1 }),
        () => ({ n: 2.5, seed: 1 }),
        () => ({ n: 4, seed: 0.5 }),
        () => ({ n: 4 }),
      ],
    },
  },
  {
    name: 'batches',
    args: () => [ds, { batchSize: 4, seed: 1 }],
    call: (d, o) => drain(batches(d as ImageDataset, o as never)),
    keep: [0],
    bad: {
      1: [
        () => ({ batchSize: 0, seed: 1 }),
        () => ({ batchSize: 2.5, seed: 1 }),
        () => ({ batchSize: 4, seed: 1.5 }),
        () => ({ batchSize: 4 }),
        () => ({ batchSize: 4, seed: 1, labels: 'names' }),
        () => ({ batchSize: 4, seed: 1, augment: { flip: 'sometimes' } }),
      ],
    },
  },
  {
    name: 'parseIdx',
    args: () => [idx(), 'x.idx'],
    call: (b, f) => parseIdx(b as Uint8Array, f as string).dims,
    bad: {
      0: [
        () => idx().subarray(0, 10),
        () => Uint8Array.of(1, 2, 3, 4),
        () => Uint8Array.of(0, 0, 0x08, 0),
        () => Uint8Array.of(0, 0, 0x08, 1, 0xff, 0xff, 0xff, 0xff),
        () => new Uint8Array(0),
      ],
    },
  },
  {
    name: 'parseCifarRecords',
    args: () => [new Uint8Array(3073), 'data_batch_1.bin', 'cifar10'],
    call: (b, f, k) => parseCifarRecords(b as Uint8Array, f as string, k as never).labels.length,
    bad: {
      0: [() => new Uint8Array(3072), () => Uint8Array.of(11, ...new Uint8Array(3072))],
      2: [() => 'cifar1000'],
    },
  },
];

describe('every public function of @pixsim/datasets, on generated bad inputs', () => {
  it('throws a typed DatasetError or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, DatasetError.is, { numRuns: 150 });
  });
});

describe('regressions found by the bad-input suite', () => {
  it('malformed sources, options and buffers are typed errors, not crashes', () => {
    expect(() => new ImageDataset(null as never)).toThrow(InvalidOptionError);
    expect(() => new ImageDataset({ ...init(), images: [1, 2] as never })).toThrow(/must be a Uint8Array/);
    expect(() => imagesToTensor({ images: new Uint8Array(3), shape: [6, 4, 4, 1] }, [0])).toThrow(
      CountMismatchError,
    );
    expect(() => imagesToTensor({ images: init().images, shape: [6, 4, 4] as never }, [0])).toThrow(
      InvalidOptionError,
    );
    expect(() => ds.toTensor(3 as never)).toThrow(/indices must be an array/);
    expect(() => ds.toTensor([0], null as never)).toThrow(InvalidOptionError);
    expect(() => ds.select(null as never)).toThrow(InvalidOptionError);
    expect(() => parseIdx('not bytes' as never, 'x.idx')).toThrow(/Uint8Array/);
    expect(() => parseCifarRecords(new Uint8Array(3073), 'b.bin', 'cifar1000' as never)).toThrow(
      InvalidOptionError,
    );
    expect(() => regularizationSet(ds, null as never)).toThrow(InvalidOptionError);
  });

  it('a disposed tensor passed as a seed or size is described, not printed', () => {
    const t = tf.scalar(1);
    t.dispose();
    expect(() => ds.subset(2, t as never)).toThrow(/seed must be an integer, got a tensor of shape \[\]/);
    expect(() => ds.image(t as never)).toThrow(InvalidOptionError);
  });

  it('batches() without options is an InvalidOptionError', async () => {
    await expect(drain(batches(ds, undefined as never))).rejects.toThrow(InvalidOptionError);
  });
});
