import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { getExperiment, getPreset } from '../index';
import { evaluationKind } from '../kinds/registry';
import { resolveExperiment } from '../resolve';
import { type ReproduceOutcome, reproduce } from './reproduce';

/**
 * CIFAR-100 is not on the development machines: a small file pair in the official CIFAR-100 binary layout
 * (coarse byte, fine byte, 3,072 pixel bytes), holding real CIFAR-10 images with their CIFAR-10 labels as
 * fine labels. It exercises the CIFAR-100 path of the pipeline, not CIFAR-100 itself.
 */
export function writeCifar100Stand(cifar10Dir: string, dir: string, train = 600, test = 200): string {
  const folder = join(dir, 'cifar-100-binary');
  mkdirSync(folder, { recursive: true });
  const convert = (file: string, n: number) => {
    const src = readFileSync(join(cifar10Dir, file));
    const out = Buffer.alloc(n * 3074);
    for (let i = 0; i < n; i++) {
      out[i * 3074] = 0;
      out[i * 3074 + 1] = src[i * 3073];
      src.copy(out, i * 3074 + 2, i * 3073 + 1, (i + 1) * 3073);
    }
    return out;
  };
  writeFileSync(join(folder, 'train.bin'), convert('data_batch_1.bin', train));
  writeFileSync(join(folder, 'test.bin'), convert('test_batch.bin', test));
  return folder;
}

/** Reproduces `id` at the smoke preset with one seed and checks what every reproduction must write. */
export async function smokeReproduction(
  id: string,
  out: string,
  dataDir?: string,
): Promise<ReproduceOutcome> {
  const experiment = resolveExperiment(getExperiment(id), getPreset('smoke'));
  const outcome = await reproduce({ experiment, seeds: [1], out, dataDir, progress: null, output: null });
  const s = outcome.summary!;
  expect(s.experiment).toBe(id);
  const attacks = experiment.spec.evaluation.attacks;
  const count = (section: string) => attacks.filter((a) => evaluationKind(a.kind).section === section).length;
  expect(s.curves).toHaveLength(2 * count('curves'));
  expect(s.boundary).toHaveLength(2 * count('boundary'));
  expect(s.evaluations?.length ?? 0).toBe(2 * count('evaluations'));
  for (const c of s.curves) for (const m of c.mean) expect(m).toBeGreaterThanOrEqual(0);
  const svg = readFileSync(outcome.figure!.svg, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(readFileSync(outcome.figure!.png).subarray(1, 4).toString()).toBe('PNG');
  return outcome;
}
