import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelError } from '@pixsim/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { memoryCheckpointStore } from './checkpoint';
import { RegularizerError } from './errors';
import { fileCheckpointStore } from './file-checkpoint-store';
import { SimilarityRegularizer } from './similarity-regularizer';
import { categoricalPairTargets } from './targets';
// The Node train(): it takes metricsFile and checks both paths (the universal one refuses metricsFile).
import { train } from './node-trainer';
import type { TrainOptions } from './trainer-types';

/** A two-class conv net over [4, 4, 1] images with a tap `c1`, its weights fixed by the seed. */
function tinyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  const c1 = tfl.layers
    .conv2d({
      filters: 2,
      kernelSize: 3,
      padding: 'same',
      name: 'c1',
      kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }),
    })
    .apply(input) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten({ name: 'f' }).apply(c1) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 2, name: 'out', kernelInitializer: tfl.initializers.glorotNormal({ seed: 4 }) })
    .apply(f) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const model = tinyModel();
const other = tinyModel();
const regularizer = new SimilarityRegularizer({ model, taps: ['c1'] });
const scratch = mkdtempSync(join(tmpdir(), 'pixsim-train-bad-'));
afterAll(() => {
  regularizer.dispose();
  model.dispose();
  other.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const images = (n: number) => ({
  images: Uint8Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256),
  shape: [n, 4, 4, 1],
  labels: Int32Array.from({ length: n }, (_, i) => i % 2),
});

/** Options that would train one epoch; every generated case breaks exactly one field. */
const valid = (): TrainOptions => ({
  model,
  train: images(8),
  regularizer,
  regularization: { images: images(4), targets: categoricalPairTargets([0, 1, 0, 1]) },
  alpha: 1,
  epochs: 1,
  seed: 1,
  batchSize: 4,
  pairBatchSize: 2,
  heldOutPairs: 1,
  validationFraction: 0.25,
  learningRate: 0.01,
  progress: false,
});

/** Per option, values that must be refused with a typed error before any step runs. */
const BAD: Record<string, unknown[]> = {
  model: [null, {}, 'model'],
  train: [
    null,
    5,
    { images: new Float32Array(8 * 16).fill(200), shape: [8, 4, 4, 1], labels: new Int32Array(8) },
  ],
  validation: [5, 'val', { images: new Uint8Array(3), shape: [1, 4, 4, 1], labels: [0] }],
  validationFraction: [-0.1, 1, Number.NaN, '0.1'],
  regularizer: [{}, 'reg', new SimilarityRegularizer({ model: other, taps: ['c1'] })],
  regularization: [
    5,
    { images: images(4) },
    { images: images(3), targets: categoricalPairTargets([0, 1, 0, 1]) },
  ],
  alpha: [-1, Number.NaN, Number.POSITIVE_INFINITY, '1'],
  epochs: [0, -1, 1.5, Number.NaN, '2', undefined],
  seed: [1.5, Number.NaN, '1', 2 ** 40, undefined],
  batchSize: [0, 2.5, '4', -3],
  pairBatchSize: [0, 1.5, Number.NaN],
  learningRate: [0, -0.1, Number.NaN, 'fast', () => Number.NaN, () => -1],
  momentum: [-0.1, 1, Number.NaN, '0.5'],
  inputScaling: ['paper', 3, null],
  pairPasses: ['four', 2],
  taskLoss: ['mse', 3, null],
  heldOutPairs: [-1, 1.5, Number.NaN, 6],
  metricsFile: [3, '', scratch],
  progress: ['yes', 3, {}],
  checkpointDir: [3, '', join(scratch, 'file.txt', 'below')],
  checkpoint: [{}, 'store', { save: 1, load: 2 }],
  checkpointEverySteps: [0, 1.5],
  resume: ['yes', 1],
  restoreBest: ['no', 0],
  stopAfterSteps: [0, -1, 0.5],
  evalBatchSize: [0, Number.NaN],
  signal: ['abort', {}, 5],
};
const fields = Object.keys(BAD);

describe('train() on generated bad options', () => {
  it('each refused with a typed RegularizerError naming the fix, no step taken, no tensor left', async () => {
    // A file where checkpointDir expects a folder above it.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(scratch, 'file.txt'), 'x');
    const weights = () => model.getWeights().map((w) => Array.from(w.dataSync()));
    const initial = weights();
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: fields.length - 1 })
          .chain((f) =>
            fc.tuple(fc.constant(fields[f]), fc.integer({ min: 0, max: BAD[fields[f]].length - 1 })),
          ),
        async ([field, k]) => {
          const before = tf.memory().numTensors;
          const options = { ...valid(), [field]: BAD[field][k] } as TrainOptions;
          let error: unknown;
          try {
            await train(options);
          } catch (e) {
            error = e;
          }
          const what = `${field} = ${String(BAD[field][k])}`;
          expect(RegularizerError.is(error), `${what}: ${String(error)}`).toBe(true);
          const e = error as RegularizerError;
          expect(e.code, what).toMatch(/^[A-Z_]+$/);
          expect(e.message.length, what).toBeGreaterThan(30);
          expect(tf.memory().numTensors, `${what}: tensors left`).toBe(before);
          expect(weights(), `${what}: weights changed`).toEqual(initial);
        },
      ),
      { numRuns: 120, seed: 15 },
    );
  });

  it('refuses non-object options', async () => {
    for (const options of [null, undefined, 'train', 3, []]) {
      await expect(train(options as never)).rejects.toSatisfy(RegularizerError.is);
    }
  });
});

describe('checkpoint stores on generated bad arguments', () => {
  const contents = () => ({ model, metadata: { epoch: 1 }, tensors: { w: tf.ones([2]) } });
  const memory = memoryCheckpointStore();
  const files = fileCheckpointStore();
  afterAll(() => memory.dispose());
  const badContents = [
    () => ({ model: {} }),
    () => ({ model, metadata: 'epoch 1' }),
    () => ({ model, optimizer: {} }),
    () => ({ model, tensors: { w: 3 } }),
    () => {
      const t = tf.ones([2]);
      t.dispose();
      return { model, tensors: { w: t } };
    },
  ];
  const inScratch = (d: unknown) =>
    (typeof d === 'string' && d !== '' && !d.startsWith('/') ? join(scratch, d) : d) as string;
  const badInto = [() => ({ model: {} }), () => ({ model: other, optimizer: 'sgd' }), () => ({ model: 'm' })];

  it('save and load give a typed error (RegularizerError, or ModelError for disk faults) or a finite result', async () => {
    await memory.save('saved', contents());
    const subjects: Subject[] = [
      {
        name: 'memoryCheckpointStore.save',
        args: () => ['run', contents()],
        // A store of its own per call, so what a valid call saves is freed again.
        call: async (d, c) => {
          const store = memoryCheckpointStore();
          try {
            await store.save(d as string, c as never);
            return store.dirs.length;
          } finally {
            store.dispose();
          }
        },
        bad: { 1: badContents },
      },
      {
        name: 'memoryCheckpointStore.load',
        args: () => ['saved', { model }],
        call: async (d, i) => {
          const loaded = await memory.load(d as string, i as never);
          tf.dispose(Object.values(loaded.tensors));
          return loaded.metadata;
        },
        bad: { 0: [() => 'never-saved'], 1: badInto },
      },
      {
        name: 'fileCheckpointStore.save',
        args: () => [join(scratch, 'ckpt'), contents()],
        // Relative string paths (the generic 'a string') land in the scratch folder, not the package.
        call: (d, c) => files.save(inScratch(d), c as never),
        bad: { 0: [() => join(scratch, 'file.txt', 'below')], 1: badContents },
      },
      {
        name: 'fileCheckpointStore.load',
        args: () => [join(scratch, 'absent'), { model }],
        call: (d, i) => files.load(inScratch(d), i as never),
        bad: { 0: [() => scratch], 1: badInto },
      },
    ];
    await checkSubjects(subjects, (e) => RegularizerError.is(e) || ModelError.is(e), { numRuns: 40 });
  });

  it('a checkpoint of another architecture is a CheckpointError, not a raw tfjs error', async () => {
    const wide = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] })] });
    await expect(memory.load('saved', { model: wide })).rejects.toThrow(/does not fit this model/);
    wide.dispose();
  });

  it('a string where a number belongs says it got a string', async () => {
    const cases: [string, unknown][] = [
      ['alpha', '0.1'],
      ['epochs', '2'],
      ['batchSize', '4'],
      ['learningRate', '0.1'],
      ['momentum', '0.5'],
    ];
    for (const [field, value] of cases) {
      const options = { ...valid(), [field]: value } as TrainOptions;
      await expect(train(options), field).rejects.toThrow(new RegExp(`${field}.*got '${value}'`));
    }
  });
});
