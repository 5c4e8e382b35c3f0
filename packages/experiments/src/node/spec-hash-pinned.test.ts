import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS, PRESETS, validatePreset } from '../index';
import { resolveExperiment } from '../resolve';
import type { CellResult } from '../result';
import { canonicalJson, provenanceOfResult, scienceOf } from '../science';
import { hashOf } from './fingerprint';

/**
 * The spec hash (science part, fixed provenance) of every shipped experiment at every shipped preset, as
 * computed before the evaluation kinds moved into a registry (#28): adding kinds, scale fields and presets'
 * black-box sizes must leave every existing cell's identity unchanged. The noise-* pairs were re-pinned once, on
 * purpose: their salt-and-pepper grid became the reference's linspace(0, 0.3, 10) (#26); none had committed results.
 */
const PINNED: Record<string, string> = {
  'fig2a/paper': '8f490bbce910364c',
  'fig2a/cpu': '3902fbbbb428c589',
  'fig2a/cpu-5k': '3902fbbbb428c589',
  'fig2a/quick': '38ef78d865eccee3',
  'fig2a/smoke': 'eb91e79ea362c70a',
  'fig2b/paper': 'b0e9a3f393acc05b',
  'fig2b/cpu': '0fd562f87897b36f',
  'fig2b/cpu-5k': '80de6c609f948199',
  'fig2b/quick': 'f98f91fd45bd75f5',
  'fig2b/smoke': 'b448fd95f935a1bb',
  'fig2c/paper': 'fc984bf782829612',
  'fig2c/cpu': '619d1d8a4e6acb18',
  'fig2c/cpu-5k': '6d5d33c9167625e4',
  'fig2c/quick': 'f05c17a1ecf76446',
  'fig2c/smoke': 'f1cf9f8e62c88e1c',
  'fig3a/paper': '4b521a24d231fb88',
  'fig3a/cpu': '75cc09897fe07a41',
  'fig3a/cpu-5k': '2903965b5ff1de1b',
  'fig3a/quick': '32c22fc66d3c8a1b',
  'fig3a/smoke': '25094cb12e9e4c49',
  'fig3b/paper': 'a97ddedbea29dcb1',
  'fig3b/cpu': 'b6ce818fc7e51b0e',
  'fig3b/cpu-5k': '547a54fc1cb53d54',
  'fig3b/quick': 'd911383ea6f51f44',
  'fig3b/smoke': 'cb3a0e352319dba3',
  'boundary/paper': '956951da64d72fc3',
  'boundary/cpu': 'b2b8d7031bb0f8e6',
  'boundary/cpu-5k': 'e77f7fd14b4479b5',
  'boundary/quick': 'bbc464386fc9233a',
  'boundary/smoke': 'b075c365fafc0fcf',
  'noise-mnist-mnist/paper': 'ff16a2405ec10047',
  'noise-mnist-mnist/cpu': 'a3c20b7f3e223531',
  'noise-mnist-mnist/cpu-5k': 'a3c20b7f3e223531',
  'noise-mnist-mnist/quick': '8eac32d8761b6068',
  'noise-mnist-mnist/smoke': 'ede654c2dc08cdca',
  'noise-mnist-fashion/paper': '2549df0d722b379d',
  'noise-mnist-fashion/cpu': '3050916b50232040',
  'noise-mnist-fashion/cpu-5k': '3050916b50232040',
  'noise-mnist-fashion/quick': '5d426f3a0852ab60',
  'noise-mnist-fashion/smoke': '7a53f5e9c64aa2c1',
  'noise-fashion-mnist/paper': '2c10b244de04f39e',
  'noise-fashion-mnist/cpu': '2ead48f4b608f1d7',
  'noise-fashion-mnist/cpu-5k': '2ead48f4b608f1d7',
  'noise-fashion-mnist/quick': 'd41429c1ec9478d3',
  'noise-fashion-mnist/smoke': '2623484248a1241c',
  'noise-fashion-fashion/paper': '53d6c94bee81b3b5',
  'noise-fashion-fashion/cpu': '70c2695b7d14d6e4',
  'noise-fashion-fashion/cpu-5k': '70c2695b7d14d6e4',
  'noise-fashion-fashion/quick': '2cdccd551c15d929',
  'noise-fashion-fashion/smoke': '9a7fb70bb7dbcbcd',
};

const hash = (id: string, preset: string) =>
  hashOf({
    science: scienceOf(resolveExperiment(EXPERIMENTS[id], PRESETS[preset]).spec),
    provenance: 'pinned',
  });

describe('spec hashes of the existing experiments are unchanged by the evaluation-kind registry', () => {
  it.each(Object.keys(PINNED))('%s', (key) => {
    const [id, preset] = key.split('/');
    expect(hash(id, preset)).toBe(PINNED[key]);
  });

  it('every committed cell under docs/results computed what the shipped spec computes now (same science, same hash)', () => {
    const root = resolve(__dirname, '../../../../docs/results');
    const presets = join(root, 'presets');
    let checked = 0;
    for (const e of existsSync(root) ? readdirSync(root) : []) {
      if (e === 'presets' || !(e in EXPERIMENTS)) continue;
      for (const p of readdirSync(join(root, e))) {
        const file = join(presets, `${p}.json`);
        const preset =
          p in PRESETS
            ? PRESETS[p]
            : existsSync(file)
              ? validatePreset(JSON.parse(readFileSync(file, 'utf8')))
              : null;
        if (!preset) continue;
        for (const s of readdirSync(join(root, e, p)).filter((d) => d.startsWith('seed-'))) {
          const r = JSON.parse(readFileSync(join(root, e, p, s, 'result.json'), 'utf8')) as CellResult;
          if (r.spec.tuned) continue;
          const spec = resolveExperiment(EXPERIMENTS[e], preset).spec;
          // What finishedResult() and aggregate() compare: the science, whatever the hash version.
          expect(canonicalJson(scienceOf(spec))).toBe(canonicalJson(scienceOf(r.spec)));
          if (r.format === 'pixsim-result-2') {
            expect(hashOf({ science: scienceOf(spec), provenance: provenanceOfResult(r) })).toBe(r.specHash);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("a preset's black-box sizes reach only the specs that have them", () => {
    const fig3b = resolveExperiment(EXPERIMENTS.fig3b, PRESETS.cpu).spec;
    expect(fig3b.scale).not.toHaveProperty('blackBoxImages');
    const blackbox = resolveExperiment(EXPERIMENTS.blackbox, PRESETS.cpu).spec;
    expect(blackbox.scale).toMatchObject({
      blackBoxImages: 100,
      blackBoxQueries: 1000,
      corruptionImages: 500,
    });
  });
});
