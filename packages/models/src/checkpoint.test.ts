import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CheckpointIOHandler } from './checkpoint-handler';
import {
  ArchitectureMismatchError,
  CheckpointNotFoundError,
  CorruptCheckpointError,
  InvalidMetadataError,
  OptimizerMismatchError,
  TruncatedWeightsError,
} from './errors';
import { featureModel } from './feature-model';
import { type ResNetOptions, resnet18, resnet34 } from './resnet';

const OPTIONS: ResNetOptions = { inputShape: [12, 12, 1], classes: 3, width: 2, seed: 4 };

let dir = '';
let start = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixsim-models-'));
  start = tf.memory().numTensors;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  expect(tf.memory().numTensors).toBe(start);
});

/** tfjs-core 4.22 `MomentumOptimizer.dispose()` forgets its learning-rate scalar `c`; free it too. */
function disposeMomentum(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (c != null && !c.isDisposed) c.dispose();
}

function batch() {
  return tf.tidy(() => ({
    x: tf.randomNormal([6, 12, 12, 1], 0, 1, 'float32', 8) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3),
  }));
}

function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): void {
  const loss = optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    true,
  );
  loss?.dispose();
}

function weightValues(model: tfl.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('saveCheckpoint → loadCheckpoint', () => {
  it('rebuilds the model from model.json with identical predictions, metadata and tensors', async () => {
    const model = resnet18(OPTIONS);
    const optimizer = tf.train.momentum(0.1, 0.9);
    const { x, y } = batch();
    trainStep(model, optimizer, x, y); // moves weights and BN running statistics away from their init
    const mean = tf.tensor1d([0.25, -1.5, 3]);
    const count = tf.scalar(7, 'int32');
    const metadata = { epoch: 3, seed: 4, config: { width: 2, lr: [0.1, 0.03] }, metrics: { loss: 0.5 } };
    await saveCheckpoint(dir, { model, optimizer, metadata, tensors: { mean, count } });
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(4);
    expect(files[0]).toBe('model.json');
    expect(files.slice(1).map((f) => f.replace(/\.[0-9a-f]{16}\./, '.H.'))).toEqual([
      'optimizer.H.bin',
      'tensors.H.bin',
      'weights.H.bin',
    ]);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.model).not.toBe(model);
    expect(loaded.model.name).toBe(model.name);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.model.predict(x) as tf.Tensor;
    expect(b.arraySync()).toEqual(a.arraySync());
    expect(weightValues(loaded.model)).toEqual(weightValues(model));
    // The rebuilt model keeps the stable tap names, so featureModel works on it.
    const features = featureModel(loaded.model);
    const taps = features.predict(x) as tf.Tensor[];
    expect(taps.map((t) => t.shape)).toEqual([
      [6, 12, 12, 2],
      [6, 12, 12, 2],
      [6, 6, 6, 4],
      [6, 3, 3, 8],
      [6, 2, 2, 16],
      [6, 3],
    ]);
    expect(taps[5].arraySync()).toEqual(a.arraySync());
    tf.dispose(taps);
    features.dispose();
    expect(loaded.metadata).toEqual(metadata);
    expect(Object.keys(loaded.tensors)).toEqual(['mean', 'count']);
    expect(loaded.tensors.mean.arraySync()).toEqual([0.25, -1.5, 3]);
    expect(loaded.tensors.count.dtype).toBe('int32');
    expect(loaded.tensors.count.arraySync()).toBe(7);
    tf.dispose([a, b, x, y, mean, count, loaded.tensors.mean, loaded.tensors.count]);
    loaded.model.dispose();
    model.dispose();
    disposeMomentum(optimizer);
  });

  it('resumes training exactly: weights and optimizer state loaded into fresh objects continue identically', async () => {
    const model = resnet18(OPTIONS);
    const optimizer = tf.train.momentum(0.1, 0.9);
    const { x, y } = batch();
    trainStep(model, optimizer, x, y);
    trainStep(model, optimizer, x, y);
    await saveCheckpoint(dir, { model, optimizer, metadata: { step: 2 } });
    const resumed = resnet18({ ...OPTIONS, seed: 99 }); // different init: everything must come from disk
    const resumedOptimizer = tf.train.momentum(0.1, 0.9);
    const { model: same, metadata } = await loadCheckpoint(dir, {
      model: resumed,
      optimizer: resumedOptimizer,
    });
    expect(same).toBe(resumed);
    expect(metadata).toEqual({ step: 2 });
    expect(resumedOptimizer.iterations).toBe(2);
    for (let i = 0; i < 2; i++) {
      trainStep(model, optimizer, x, y);
      trainStep(resumed, resumedOptimizer, x, y);
    }
    expect(weightValues(resumed)).toEqual(weightValues(model));
    tf.dispose([x, y]);
    model.dispose();
    resumed.dispose();
    disposeMomentum(optimizer);
    disposeMomentum(resumedOptimizer);
  });

  it('restores Adam state (iterations and both moments) so training continues the same run', async () => {
    const model = resnet18(OPTIONS);
    const optimizer = tf.train.adam(0.01);
    const { x, y } = batch();
    trainStep(model, optimizer, x, y);
    trainStep(model, optimizer, x, y);
    await saveCheckpoint(dir, { model, optimizer });
    const { model: resumed } = await loadCheckpoint(dir);
    const resumedOptimizer = tf.train.adam(0.01);
    await loadCheckpoint(dir, { model: resumed, optimizer: resumedOptimizer });
    expect(resumedOptimizer.iterations).toBe(2);
    trainStep(model, optimizer, x, y);
    trainStep(resumed, resumedOptimizer, x, y);
    // Adam recomputes β^t with pow() on restore instead of repeated products: equal to float rounding.
    const a = weightValues(model).flat();
    const b = weightValues(resumed).flat();
    expect(b).toHaveLength(a.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
    resumed.dispose();
    optimizer.dispose();
    resumedOptimizer.dispose();
  });

  it('writes atomically: re-saving replaces the files, prunes stale binaries and leaves no temp files', async () => {
    const model = resnet18(OPTIONS);
    await saveCheckpoint(dir, { model, metadata: { epoch: 1 } });
    const first = await readdir(dir);
    const ones = model
      .getLayer('logits')
      .getWeights()
      .map((w) => tf.onesLike(w));
    model.getLayer('logits').setWeights(ones);
    tf.dispose(ones);
    await saveCheckpoint(dir, { model, metadata: { epoch: 2 } });
    const second = await readdir(dir);
    expect(second).toHaveLength(2);
    expect(second.some((f) => f.startsWith('.') || f.includes('tmp'))).toBe(false);
    expect(second.filter((f) => f.startsWith('weights.'))).not.toEqual(
      first.filter((f) => f.startsWith('weights.')),
    );
    const { model: loaded, metadata } = await loadCheckpoint(dir);
    expect(metadata).toEqual({ epoch: 2 });
    expect(Array.from(loaded.getLayer('logits').getWeights()[1].dataSync())).toEqual([1, 1, 1]);
    loaded.dispose();
    model.dispose();
  });

  it('is readable by tfl.loadLayersModel through CheckpointIOHandler', async () => {
    const model = resnet18(OPTIONS);
    await model.save(new CheckpointIOHandler(dir));
    const loaded = await tfl.loadLayersModel(new CheckpointIOHandler(dir));
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();
    model.dispose();
  });
});

describe('typed errors', () => {
  it('ArchitectureMismatchError for another width, variant or depth', async () => {
    const model = resnet18(OPTIONS);
    await saveCheckpoint(dir, { model });
    const others = [
      resnet18({ ...OPTIONS, width: 3 }),
      resnet18({ ...OPTIONS, variant: 'imagenet' }),
      resnet34(OPTIONS),
      resnet18({ ...OPTIONS, classes: 4 }),
    ];
    for (const other of others) {
      await expect(loadCheckpoint(dir, { model: other })).rejects.toThrow(ArchitectureMismatchError);
      other.dispose();
    }
    const wider = resnet18({ ...OPTIONS, width: 3 });
    await expect(loadCheckpoint(dir, { model: wider })).rejects.toThrow(
      /different architecture.*stem_conv\/kernel \[7, 7, 1, 2\] in the checkpoint but stem_conv\/kernel \[7, 7, 1, 3\]/,
    );
    wider.dispose();
    model.dispose();
  });

  it('TruncatedWeightsError for a short weights file; CorruptCheckpointError for altered bytes', async () => {
    const model = resnet18(OPTIONS);
    await saveCheckpoint(dir, { model });
    const weights = (await readdir(dir)).find((f) => f.startsWith('weights.'))!;
    const full = await readFile(join(dir, weights));
    // One flipped byte: caught by the SHA-256.
    const altered = Buffer.from(full);
    altered[100] ^= 0xff;
    await writeFile(join(dir, weights), altered);
    await expect(loadCheckpoint(dir)).rejects.toThrow(CorruptCheckpointError);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/SHA-256/);
    // Truncated to half: a typed error with both sizes.
    await writeFile(join(dir, weights), full);
    await truncate(join(dir, weights), Math.floor(full.byteLength / 2));
    const error = await loadCheckpoint(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedWeightsError);
    expect((error as TruncatedWeightsError).expectedBytes).toBe(full.byteLength);
    expect((error as TruncatedWeightsError).actualBytes).toBe(Math.floor(full.byteLength / 2));
    // Also when loading into an existing model.
    await expect(loadCheckpoint(dir, { model })).rejects.toThrow(TruncatedWeightsError);
    model.dispose();
  });

  it('CheckpointNotFoundError and CorruptCheckpointError for a missing or damaged model.json', async () => {
    await expect(loadCheckpoint(join(dir, 'nothing-here'))).rejects.toThrow(CheckpointNotFoundError);
    await writeFile(join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, 'model.json'), '{"modelTopology": {}, "weightsManifest": []}');
    await expect(loadCheckpoint(dir)).rejects.toThrow(CorruptCheckpointError);
  });

  it('OptimizerMismatchError for missing optimizer state or another optimizer class', async () => {
    const model = resnet18(OPTIONS);
    await saveCheckpoint(dir, { model });
    const sgd = tf.train.sgd(0.1);
    await expect(loadCheckpoint(dir, { model, optimizer: sgd })).rejects.toThrow(/holds no optimizer state/);
    const momentum = tf.train.momentum(0.1, 0.9);
    await saveCheckpoint(dir, { model, optimizer: momentum });
    const adam = tf.train.adam(0.01);
    await expect(loadCheckpoint(dir, { model, optimizer: adam })).rejects.toThrow(OptimizerMismatchError);
    await expect(loadCheckpoint(dir, { model, optimizer: adam })).rejects.toThrow(/Momentum state.*Adam/);
    sgd.dispose();
    adam.dispose();
    disposeMomentum(momentum);
    model.dispose();
  });

  it('InvalidMetadataError for values JSON would change, naming the path; nothing is written', async () => {
    const model = resnet18(OPTIONS);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ metrics: { loss: Number.NaN } }, /metadata\.metrics\.loss is NaN/],
      [{ history: [1, Number.POSITIVE_INFINITY] }, /metadata\.history\[1\] is Infinity/],
      [{ when: new Date(0) }, /metadata\.when is an instance of Date/],
      [{ missing: undefined }, /metadata\.missing is undefined/],
    ];
    for (const [metadata, message] of bad) {
      await expect(saveCheckpoint(dir, { model, metadata })).rejects.toThrow(InvalidMetadataError);
      await expect(saveCheckpoint(dir, { model, metadata })).rejects.toThrow(message);
    }
    expect(await readdir(dir)).toEqual([]);
    model.dispose();
  });
});
