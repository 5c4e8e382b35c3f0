import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CheckpointIOHandler } from './checkpoint-handler';
import { InvalidOptionError, ModelError } from './errors';

/** A tiny functional model with fixed layer names (so a checkpoint of it loads into a twin). */
function tiny(units = 2): tfl.LayersModel {
  const input = tfl.input({ shape: [3], name: 'in' });
  const out = tfl.layers.dense({ units, name: 'out' }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}
const model = tiny();
const wide = tiny(5);
const disposedModel = tiny();
disposedModel.dispose();
const scratch = mkdtempSync(join(tmpdir(), 'pixsim-ckpt-bad-'));
const saved = join(scratch, 'saved');
const aFile = join(scratch, 'a-file');
writeFileSync(aFile, 'x');
const garbage = join(scratch, 'garbage');
mkdirSync(garbage);
writeFileSync(join(garbage, 'model.json'), '{ not json');
// A folder where model.json belongs (EISDIR when read).
const folderJson = join(scratch, 'folder-json');
mkdirSync(join(folderJson, 'model.json'), { recursive: true });
beforeAll(async () => {
  await saveCheckpoint(saved, { model, metadata: { epoch: 1 } });
});
afterAll(() => {
  model.dispose();
  wide.dispose();
  rmSync(scratch, { recursive: true, force: true });
});
/** Relative string paths (the generic 'a string') go into the scratch folder, never the package. */
const inScratch = (d: unknown) =>
  (typeof d === 'string' && d !== '' && !isAbsolute(d) ? join(scratch, d) : d) as string;

const subjects: Subject[] = [
  {
    name: 'CheckpointIOHandler.load',
    args: () => [saved],
    call: async (d) => {
      const artifacts = await new CheckpointIOHandler(inScratch(d)).load();
      return artifacts.format;
    },
    bad: {
      0: [
        () => join(scratch, 'absent'),
        () => aFile,
        () => garbage,
        () => join(aFile, 'below'),
        () => folderJson,
        () => '',
        () => 3,
        () => null,
      ],
    },
  },
  {
    name: 'saveCheckpoint',
    args: () => [join(scratch, 'out'), { model, metadata: { epoch: 2 } }],
    call: (d, c) => saveCheckpoint(inScratch(d), c as never),
    bad: {
      0: [() => join(aFile, 'below'), () => aFile],
      1: [
        () => ({ model: disposedModel }),
        () => ({ model: {} }),
        () => ({ model, metadata: 'epoch 1' }),
        () => ({ model, metadata: { when: new Date(0) } }),
        () => ({ model, metadata: { loss: Number.NaN } }),
        () => ({ model, tensors: { w: 'x' } }),
        () => ({ model, tensors: [tf.ones([2])] }),
        () => ({ model, optimizer: 'sgd' }),
      ],
    },
  },
  {
    name: 'loadCheckpoint',
    args: () => [saved, { model }],
    call: async (d, o) => {
      const loaded = await loadCheckpoint(inScratch(d), o as never);
      tf.dispose(Object.values(loaded.tensors));
      // Without a model to restore into, the checkpoint builds its own: free it again.
      if (loaded.model !== model && loaded.model !== wide) loaded.model.dispose();
      return loaded.metadata;
    },
    bad: {
      0: [
        () => join(scratch, 'absent'),
        () => aFile,
        () => garbage,
        () => join(aFile, 'below'),
        () => folderJson,
      ],
      1: [
        () => ({ model: wide }),
        () => ({ model: disposedModel }),
        () => ({ model: 'm' }),
        () => ({ optimizer: {} }),
      ],
    },
  },
];

describe('saveCheckpoint / loadCheckpoint on generated bad arguments', () => {
  it('throw a typed ModelError naming the fix, or return a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, ModelError.is, { numRuns: 40 });
  });

  it('null options and a disposed tensor as dir are typed errors with a readable message', async () => {
    await expect(loadCheckpoint(saved, null as never)).rejects.toThrow(
      /options must be \{ model\?, optimizer\? \}/,
    );
    const t = tf.ones([1]);
    t.dispose();
    await expect(saveCheckpoint(t as never, { model })).rejects.toThrow(InvalidOptionError);
    await expect(saveCheckpoint(t as never, { model })).rejects.toThrow(/got a Tensor object/);
  });
});

describe('checkpoints of a disposed model', () => {
  it('saving or loading into a disposed model is an InvalidOptionError saying so, before any file is touched', async () => {
    const out = join(scratch, 'never-written');
    await expect(saveCheckpoint(out, { model: disposedModel })).rejects.toSatisfy(
      (e: unknown) => InvalidOptionError.isInstance(e) && /was disposed/.test((e as Error).message),
    );
    await expect(loadCheckpoint(saved, { model: disposedModel })).rejects.toSatisfy(
      (e: unknown) => InvalidOptionError.isInstance(e) && /was disposed/.test((e as Error).message),
    );
    expect(existsSync(out)).toBe(false);
  });
});
