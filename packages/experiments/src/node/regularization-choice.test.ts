import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageDataset, regularizationIndices } from '@pixsim/datasets';
import { describe, expect, it } from 'vitest';
import { getExperiment } from '../experiments';
import { loadRegularizationData } from './data';

/** 300 images whose first two bytes encode their own index; labels cycle through 10 classes. */
function indexed(): ImageDataset {
  const total = 300;
  const images = new Uint8Array(total * 4);
  for (let i = 0; i < total; i++) {
    images[4 * i] = i % 256;
    images[4 * i + 1] = i >> 8;
  }
  return new ImageDataset({
    name: 'synthetic',
    split: 'train',
    images,
    shape: [total, 2, 2, 1],
    labels: Int32Array.from({ length: total }, (_, i) => (i * 7) % 10),
    classNames: Array.from({ length: 10 }, (_, c) => `c${c}`),
  });
}

/** The indices of the images the CLI's data loading picks (fig2a's spec with the given selection and N). */
async function cliIndices(
  full: ImageDataset,
  selection: 'first' | 'random' | 'spread',
  seed: number,
  n: number,
) {
  const base = getExperiment('fig2a');
  const spec = {
    ...base,
    regularization: { ...base.regularization, selection },
    scale: { ...base.scale, regularizationImages: n },
  };
  const task = { train: full, test: full, fullTrain: full, source: 'synthetic' };
  const r = await loadRegularizationData(spec, seed, {} as never, task);
  const im = r.images.images;
  return Array.from({ length: r.images.size }, (_, k) => im[4 * k] + 256 * im[4 * k + 1]);
}

// Recorded from the CLI before the selection moved into @pixsim/datasets (#27): the same images, same order.
const golden = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__/cli-regularization-choice.json'), 'utf8'),
) as Record<string, number[]>;

describe('regularization images: the CLI picks what the library picks', () => {
  const full = indexed();
  for (const selection of ['first', 'random', 'spread'] as const) {
    it(`'${selection}': the CLI's images are regularizationIndices' for every seed and N, and as recorded before`, async () => {
      for (const seed of [0, 1, 2, 7, 1234]) {
        for (const n of [1, 17, 120]) {
          const cli = await cliIndices(full, selection, seed, n);
          expect(cli, `${selection} seed ${seed} N ${n}`).toEqual(
            Array.from(regularizationIndices(full, n, seed, selection)),
          );
          expect(cli, `${selection} seed ${seed} N ${n} (recorded)`).toEqual(
            golden[`${selection}/${seed}/${n}`],
          );
        }
      }
    });
  }
});
