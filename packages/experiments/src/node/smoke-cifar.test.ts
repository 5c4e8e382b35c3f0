import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@pixsim/backend';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithData } from '../../../../test-support/real-data';
import { smokeReproduction, writeCifar100Stand } from './smoke.fixture';

const out = mkdtempSync(join(tmpdir(), 'pixsim-smoke-cifar-'));
beforeAll(async () => {
  await initBackend('wasm', { log: false });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describeWithData(
  ['cifar10', 'imagenet-sample'],
  'smoke reproductions on real CIFAR-10 and the ImageNet sample',
  ([CIFAR10_DIR]) => {
    it('fig2b: CIFAR-10 ← ImageNet (the ImageNet sample, spread over the classes, said in results and figure)', async () => {
      const { summary, cells } = await smokeReproduction('fig2b', out, CIFAR10_DIR);
      const r = cells[0].result!;
      expect(r.data.regularization).toMatchObject({
        standIn: false,
        source: 'imagenet-sample-1000',
        provenance: 'imagenet-sample-1000',
        imageShape: [36, 64, 1],
        n: 48,
      });
      expect(r.spec.task.inputScaling).toBe('reference');
      expect(
        summary!.notes.some((n) => n.startsWith('ImageNet sample: regularization images are 48 of the 927')),
      ).toBe(true);
    });

    it('fig2c: the CIFAR-100 path (CIFAR-100 layout file of real CIFAR-10 images; CIFAR-100 is not on this machine)', async () => {
      const dir = writeCifar100Stand(CIFAR10_DIR, join(out, 'cifar100-layout'));
      const { cells } = await smokeReproduction('fig2c', out, dir);
      expect(cells[0].result!.data.task.dataset).toBe('cifar100');
    });

    it('fig3a and fig3b: transferred FGSM from a surrogate trained with another seed', async () => {
      for (const id of ['fig3a', 'fig3b']) {
        const { cells, summary } = await smokeReproduction(id, out, CIFAR10_DIR);
        const models = cells[0].result!.models;
        expect(models.map((m) => [m.role, m.seed])).toEqual([
          ['surrogate', 1001],
          ['unregularized', 1],
          ['regularized', 1],
        ]);
        expect(summary!.curves[0].epsilons.at(-1)).toBe(0.02);
      }
    });

    it('boundary: per-image distances, status and queries; the score is the median squared L2 per pixel', async () => {
      const { cells, summary } = await smokeReproduction('boundary', out, CIFAR10_DIR);
      const b = cells[0].result!.boundary[0];
      expect(b.imageIndices).toHaveLength(6);
      const rep = b.repeats[0];
      expect(rep.success).toHaveLength(6);
      expect(rep.queries.every((q) => q > 0)).toBe(true);
      const ok = rep.squaredL2PerPixel.filter((v): v is number => v !== null).sort((x, y) => x - y);
      if (ok.length) {
        const mid = ok.length >> 1;
        expect(rep.medianSquaredL2PerPixel).toBeCloseTo(
          ok.length % 2 ? ok[mid] : (ok[mid - 1] + ok[mid]) / 2,
          15,
        );
        rep.distances.forEach((d, i) => {
          if (d !== null) expect(rep.squaredL2PerPixel[i]).toBeCloseTo((d * d) / 1024, 12);
        });
      }
      expect(summary!.boundary.map((x) => x.model)).toEqual(['unregularized', 'regularized']);
    });
  },
);
