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
 * black-box sizes must leave every existing cell's identity unchanged.
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
  'noise-mnist-mnist/paper': '3abe18f5eda60619',
  'noise-mnist-mnist/cpu': 'b344df650e93d014',
  'noise-mnist-mnist/cpu-5k': 'b344df650e93d014',
  'noise-mnist-mnist/quick': 'f4ac533fff2aa9f0',
  'noise-mnist-mnist/smoke': '58faa7157f2a63ee',
  'noise-mnist-fashion/paper': 'db12104fd952854d',
  'noise-mnist-fashion/cpu': '864af38298cf5f1e',
  'noise-mnist-fashion/cpu-5k': '864af38298cf5f1e',
  'noise-mnist-fashion/quick': '5e7f8d33aea76548',
  'noise-mnist-fashion/smoke': 'a13e56e3febc82be',
  'noise-fashion-mnist/paper': '5a023f26fadd2741',
  'noise-fashion-mnist/cpu': 'd1e650ed0fa50023',
  'noise-fashion-mnist/cpu-5k': 'd1e650ed0fa50023',
  'noise-fashion-mnist/quick': '16de2d42363d924c',
  'noise-fashion-mnist/smoke': 'a1d6fcde7f5b490f',
  'noise-fashion-fashion/paper': '616f9341e53cf69a',
  'noise-fashion-fashion/cpu': 'd73f5bebb5b0bc6d',
  'noise-fashion-fashion/cpu-5k': 'd73f5bebb5b0bc6d',
  'noise-fashion-fashion/quick': '9feefe4a74e2b888',
  'noise-fashion-fashion/smoke': '35029cb7e994e233',
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
