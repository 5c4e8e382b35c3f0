/**
 * `pixsim run fig2a --backend webgpu` end to end on the webgpu engine in Node (Dawn), here on Chromium's
 * SwiftShader (a Vulkan driver on the CPU: correct, slow). The cell is a reduced smoke preset (width 2,
 * 64 training images, 20 test images, N = 16, one epoch: one training step per model) and is compared with
 * the same cell on `--backend cpu`. It takes about 2 minutes on SwiftShader, more than CI's budget, so it
 * runs on request:
 *
 *   PIXSIM_WEBGPU_CLI=1 npx vitest run src/node/cli-webgpu.test.ts   (in packages/experiments)
 *
 * and is skipped, with the reason in its name, without that variable or without SwiftShader (run
 * `apt-get install -y chromium libvulkan1`). On a machine with a GPU, set VK_ICD_FILENAMES to its driver.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useSoftwareWebGPU } from '@pixsim/backend/node';
import { afterAll, describe, expect, it } from 'vitest';
import type { CellResult } from '../result';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');

const requested = process.env.PIXSIM_WEBGPU_CLI === '1';
// Sets VK_ICD_FILENAMES (SwiftShader) and XDG_RUNTIME_DIR in process.env, which the CLI inherits.
const skip = requested ? useSoftwareWebGPU() : 'about 2 minutes on SwiftShader; run with PIXSIM_WEBGPU_CLI=1';

const out = mkdtempSync(join(tmpdir(), 'pixsim-cli-webgpu-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const preset = {
  name: 'webgpu-tiny',
  description: 'The smoke preset reduced further for the webgpu CLI test: one training step per model.',
  seeds: [1],
  scale: {
    width: 2,
    trainImages: 64,
    testImages: 20,
    regularizationImages: 16,
    epochs: 1,
    boundaryImages: 2,
    boundaryRepeats: 1,
  },
  imagenetStandIn: true,
};

function runCell(backend: string): { result: CellResult; stderr: string; seconds: number } {
  const presetFile = join(out, 'webgpu-tiny.json');
  writeFileSync(presetFile, JSON.stringify(preset));
  const started = performance.now();
  const args = ['src/bin.ts', 'run', 'fig2a', '--preset', presetFile, '--seed', '1', '--backend', backend];
  const r = spawnSync(tsx, [...args, '--out', join(out, backend)], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 540_000,
  });
  const seconds = (performance.now() - started) / 1000;
  expect(r.status, r.stderr).toBe(0);
  const file = join(out, backend, 'fig2a', 'webgpu-tiny', 'seed-1', 'result.json');
  return { result: JSON.parse(readFileSync(file, 'utf8')) as CellResult, stderr: r.stderr, seconds };
}

describe.skipIf(skip !== null)(
  `pixsim run fig2a --backend webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('trains and evaluates a cell end to end, with the numbers of --backend cpu', {
      timeout: 600_000,
    }, () => {
      const gpu = runCell('webgpu');
      process.stderr.write(`webgpu cell: ${gpu.seconds.toFixed(0)} s\n`);
      expect(gpu.stderr).toMatch(/^engine: webgpu/m);
      expect(gpu.stderr).not.toMatch(/validation:|Invalid ComputePipeline/);
      expect(gpu.result.environment.backend).toBe('webgpu');
      const cpu = runCell('cpu');
      expect(cpu.result.environment.backend).toBe('cpu');
      for (const [i, model] of gpu.result.models.entries()) {
        // onnxruntime cannot read webgpu tensors synchronously: evaluations stay on webgpu, and say why.
        expect(model.evaluation?.engine).toBe('tfjs');
        expect(model.evaluation?.description).toMatch(/\(webgpu\)/);
        expect(model.evaluation?.fallback).toMatch(/no synchronous read/);
        const reference = cpu.result.models[i];
        expect(model.role).toBe(reference.role);
        const [h, r] = [model.history[0], reference.history[0]];
        // Float sums in another order: close, not bit-equal (the regularized step's atanh loss has slope
        // up to 1/ε near |S| = 1, hence the looser bound after the update).
        expect(h.taskLoss).toBeCloseTo(r.taskLoss, 4);
        expect(h.simLoss ?? 0).toBeCloseTo(r.simLoss ?? 0, 2);
        expect(Math.abs((h.validationLoss as number) - (r.validationLoss as number))).toBeLessThan(
          1e-3 * Math.max(1, Math.abs(r.validationLoss as number)),
        );
        expect(h.heldOutCorrelation as number).toBeCloseTo(r.heldOutCorrelation as number, 3);
      }
      expect(gpu.result.models.map((m) => m.role)).toEqual(['unregularized', 'regularized']);
      expect(gpu.result.models[1].history[0].simLoss).toBeGreaterThan(0);
      expect(gpu.result.curves.map((c) => c.accuracy)).toEqual(cpu.result.curves.map((c) => c.accuracy));
    });
  },
);
