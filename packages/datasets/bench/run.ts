// pnpm bench: images/s for decoding and for batch iteration (with augmentation) on real data.
// CIFAR-10 and Tiny-ImageNet come from ../shared/data beside the repository root.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchOptions, cifar10, type ImageDataset, imageFolder } from '../src/index';

const DATA = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), '..', 'shared', 'data');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

async function epoch(data: ImageDataset, options: BatchOptions): Promise<number> {
  let n = 0;
  for await (const { xs, ys } of data.batches(options)) {
    n += xs.shape[0];
    tf.dispose([xs, ys]);
  }
  return n;
}

function report(label: string, images: number, seconds: number[]) {
  const rates = seconds.map((s) => images / s);
  console.log(
    `${label.padEnd(58)} ${fmt(median(rates)).padStart(10)} images/s  (median of ${seconds.length}; ` +
      `runs: ${rates.map(fmt).join(', ')})`,
  );
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  console.log(
    `@pixsim/datasets bench — node ${process.version}, tfjs backend ${tf.getBackend()}, ${RUNS} runs\n`,
  );

  // CIFAR-10: parse the binary batches (no cache is needed: they are uint8 already).
  const cifarDir = join(DATA, 'cifar-10-batches-bin');
  const cifarTimes: number[] = [];
  let cifar = await cifar10(cifarDir);
  for (let r = 0; r < RUNS; r++) {
    const { value, seconds } = await timed(() => cifar10(cifarDir));
    cifar = value;
    cifarTimes.push(seconds);
  }
  const cifarImages = cifar.train.size + cifar.test.size;
  report('CIFAR-10 read + decode (train + test, 20,000 images)', cifarImages, cifarTimes);

  const augmentOptions: BatchOptions = {
    batchSize: 64,
    seed: 1,
    augment: 'cifar',
    grey: true,
    scale: 'paper',
  };
  const iterTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { seconds } = await timed(() => epoch(cifar.train, { ...augmentOptions, seed: r }));
    iterTimes.push(seconds);
  }
  report('CIFAR-10 batches (64, shuffle, crop+flip, grey, 5(x-0.5))', cifar.train.size, iterTimes);
  const plainTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { seconds } = await timed(() => epoch(cifar.train, { batchSize: 64, seed: r }));
    plainTimes.push(seconds);
  }
  report('CIFAR-10 batches (64, shuffle, RGB [0,1], no augmentation)', cifar.train.size, plainTimes);

  // Tiny-ImageNet folder: sharp decode (first run, empty cache) vs the on-disk cache (cached run).
  const folder = join(DATA, 'tiny-imagenet-5k');
  const firstTimes: number[] = [];
  const cachedTimes: number[] = [];
  const regFirst: number[] = [];
  const regCached: number[] = [];
  let tiny: ImageDataset | null = null;
  const folderRuns = Math.max(1, Math.min(RUNS, 3));
  for (let r = 0; r < folderRuns; r++) {
    const cacheDir = await mkdtemp(join(tmpdir(), 'pixsim-bench-'));
    try {
      firstTimes.push((await timed(() => imageFolder(folder, { cacheDir }))).seconds);
      const cached = await timed(() => imageFolder(folder, { cacheDir }));
      cachedTimes.push(cached.seconds);
      tiny = cached.value;
      const reg = { cacheDir, transform: 'imagenet-regularization' } as const;
      regFirst.push((await timed(() => imageFolder(folder, reg))).seconds);
      regCached.push((await timed(() => imageFolder(folder, reg))).seconds);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  }
  const n = tiny!.size;
  report('Tiny-ImageNet folder 64x64 RGB: first run (sharp decode)', n, firstTimes);
  report('Tiny-ImageNet folder 64x64 RGB: cached run', n, cachedTimes);
  report('Tiny-ImageNet folder, ImageNet reg. transform: first run', n, regFirst);
  report('Tiny-ImageNet folder, ImageNet reg. transform: cached run', n, regCached);
  const tinyIter: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    tinyIter.push((await timed(() => epoch(tiny!, { ...augmentOptions, seed: r }))).seconds);
  }
  report('Tiny-ImageNet batches (64, shuffle, crop+flip, grey, 5(x-0.5))', n, tinyIter);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
