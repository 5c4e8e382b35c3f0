import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CheckpointWriteError, CorruptCheckpointError, ModelError } from './errors';

function tiny(): tfl.LayersModel {
  const input = tfl.input({ shape: [3] });
  const out = tfl.layers.dense({ units: 2, name: 'd' }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixsim-integrity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint integrity', () => {
  it('model.json and the metadata are covered by a checksum: an edited globalStep is refused', async () => {
    const model = tiny();
    await saveCheckpoint(dir, { model, metadata: { globalStep: 40 } });
    const path = join(dir, 'model.json');
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"globalStep":40');
    await writeFile(path, text.replace('"globalStep":40', '"globalStep":41'));
    const error = await loadCheckpoint(dir, { model }).catch((e: unknown) => e);
    expect(ModelError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(CorruptCheckpointError);
    expect((error as Error).message).toMatch(/SHA-256/);
    await writeFile(path, text);
    expect((await loadCheckpoint(dir, { model })).metadata).toEqual({ globalStep: 40 });
    model.dispose();
  });

  it('removes the temporary files of killed writes on the next save and on load', async () => {
    const model = tiny();
    await saveCheckpoint(dir, { model });
    // pid 2^22 + 1 is above Linux's pid_max default: no running process has it.
    const stale = ['.model.json.tmp-4194305-a1b2c3', '.weights.0123456789abcdef.bin.tmp-4194305-ff'];
    for (const name of stale) await writeFile(join(dir, name), 'partial');
    await loadCheckpoint(dir, { model });
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const name of stale) await writeFile(join(dir, name), 'partial');
    await saveCheckpoint(dir, { model });
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    model.dispose();
  });

  it('a folder under a file gives CheckpointWriteError (ENOTDIR) naming the path', async () => {
    const model = tiny();
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    const n = tf.memory().numTensors;
    const error = await saveCheckpoint(join(file, 'ckpt'), { model }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect((error as CheckpointWriteError).reason).toBe('ENOTDIR');
    expect((error as CheckpointWriteError).path).toBe(join(file, 'ckpt'));
    expect(tf.memory().numTensors).toBe(n);
    model.dispose();
  });
});
