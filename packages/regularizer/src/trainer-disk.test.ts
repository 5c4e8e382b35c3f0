import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InvalidLabelsError, RegularizerError, UnwritablePathError } from './errors';
import { train } from './node-trainer';

// The probe write can be made to fail with an injected Node error code (EROFS and ENOSPC cannot be
// produced honestly as root in a test sandbox).
const injected = vi.hoisted(() => ({ code: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (path, ...rest) => {
    if (injected.code && String(path).includes('.pixsim-write-probe-')) {
      throw Object.assign(new Error(`${injected.code}: injected, write '${String(path)}'`), {
        code: injected.code,
      });
    }
    return fs.writeFileSync(path, ...rest);
  };
  return { ...fs, writeFileSync, default: { ...fs, writeFileSync } };
});

function tinyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  const c = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'stem' }).apply(input) as tfl.SymbolicTensor;
  const p = tfl.layers.globalAveragePooling2d({}).apply(c) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(p) as tfl.SymbolicTensor });
}

const root = mkdtempSync(join(tmpdir(), 'pixsim-disk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const images = {
  images: new Float32Array(8 * 16).fill(0.5),
  shape: [8, 4, 4, 1],
  labels: [0, 1, 0, 1, 0, 1, 0, 1],
};

/** Runs train() and returns its error, checking that no step ran (the weights are unchanged). */
async function failure(options: Record<string, unknown>): Promise<UnwritablePathError> {
  const model = tinyModel();
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const error = await train({
    model,
    train: images,
    seed: 1,
    epochs: 1,
    validationFraction: 0,
    progress: false,
    ...options,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  model.dispose();
  expect(RegularizerError.is(error)).toBe(true);
  expect(error).toBeInstanceOf(UnwritablePathError);
  return error as UnwritablePathError;
}

describe('train() checks its disk locations before the first step', () => {
  it('a checkpointDir under a file: ENOTDIR, naming the path', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const e = await failure({ checkpointDir: join(file, 'ckpt') });
    expect(e.reason).toBe('ENOTDIR');
    expect(e.path).toBe(join(file, 'ckpt'));
    expect(e.message).toMatch(/under a file/);
  });

  it('a checkpointDir that is a file: EEXIST', async () => {
    const file = join(root, 'ckpt-file');
    writeFileSync(file, 'x');
    const e = await failure({ checkpointDir: file });
    expect(e.reason).toBe('EEXIST');
  });

  it('a metricsFile that is a folder: EISDIR', async () => {
    const dir = join(root, 'metrics-dir');
    mkdirSync(dir);
    const e = await failure({ metricsFile: dir });
    expect(e.reason).toBe('EISDIR');
    expect(e.message).toMatch(/folder where a file is needed/);
  });

  for (const [code, text] of [
    ['EROFS', /read-only file system/],
    ['EACCES', /permission denied/],
    ['ENOSPC', /no space left/],
  ] as const) {
    it(`an injected ${code} on the checkpoint folder says so (not "no such file")`, async () => {
      injected.code = code;
      try {
        const e = await failure({ checkpointDir: join(root, `ckpt-${code}`) });
        expect(e.reason).toBe(code);
        expect(e.message).toMatch(text);
        expect(e.message).not.toMatch(/no such file/i);
      } finally {
        injected.code = null;
      }
    });
  }

  it('removes temporary files that a killed metrics write left behind', async () => {
    const dir = join(root, 'metrics-tmp');
    mkdirSync(dir);
    const file = join(dir, 'm.jsonl');
    writeFileSync(`${file}.tmp-99999`, 'partial');
    const model = tinyModel();
    await train({
      model,
      train: images,
      seed: 1,
      epochs: 1,
      validationFraction: 0,
      progress: false,
      metricsFile: file,
    });
    model.dispose();
    expect(readdirSync(dir)).toEqual(['m.jsonl']);
  });

  it('rejects a label equal to the number of classes before training', async () => {
    const model = tinyModel();
    const bad = { ...images, labels: [0, 1, 0, 1, 0, 1, 0, 2] };
    const n = tf.memory().numTensors;
    await expect(
      train({ model, train: bad, seed: 1, epochs: 1, validationFraction: 0, progress: false }),
    ).rejects.toThrow(InvalidLabelsError);
    expect(tf.memory().numTensors).toBe(n);
    model.dispose();
  });
});
