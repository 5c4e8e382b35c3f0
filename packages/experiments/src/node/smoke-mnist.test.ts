import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@pixsim/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeReproduction } from './smoke.fixture';

const out = mkdtempSync(join(tmpdir(), 'pixsim-smoke-mnist-'));
beforeAll(async () => {
  await initBackend('wasm', { log: false });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('smoke reproductions on real MNIST / Fashion-MNIST', () => {
  for (const id of [
    'noise-mnist-mnist',
    'noise-mnist-fashion',
    'noise-fashion-mnist',
    'noise-fashion-fashion',
  ]) {
    it(id, async () => {
      const { summary } = await smokeReproduction(id, out);
      expect(summary!.curves.map((c) => c.attack)).toEqual([
        'gaussian-noise',
        'uniform-noise',
        'salt-and-pepper-noise',
        'gaussian-noise',
        'uniform-noise',
        'salt-and-pepper-noise',
      ]);
    });
  }
});
