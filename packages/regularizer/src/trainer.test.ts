import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import { InvalidOptionError } from './errors';
import { cyclicStepDecay } from './lr-schedule';
import { SimilarityRegularizer } from './similarity-regularizer';
import { stratifiedHoldOut } from './split';
import { thresholdedPixelTargets } from './targets';
import { evaluateClassifier } from './evaluate';
import { ImageStore, taskInputScaling } from './image-set';
import { train as trainOnDisk } from './node-trainer';
import { train } from './trainer';

/** A tiny conv net with batch norm; `seed` fixes its initial weights. */
function tinyModel(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed * 10 + s });
  const input = tfl.input({ shape: [8, 8, 1] });
  const c1 = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem', kernelInitializer: init(1) })
    .apply(input) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(c1) as tfl.SymbolicTensor;
  const r = tfl.layers.activation({ activation: 'relu', name: 'stage1' }).apply(bn) as tfl.SymbolicTensor;
  const c2 = tfl.layers
    .conv2d({
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      name: 'stage2',
      kernelInitializer: init(2),
    })
    .apply(r) as tfl.SymbolicTensor;
  const p = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(c2) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, name: 'logits', kernelInitializer: init(3) })
    .apply(p) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

function syntheticImages(n: number, seed: number) {
  let s = seed;
  const images = new Uint8Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let v = 0; v < 64; v++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      // Class-dependent brightness pattern plus noise, so the task is learnable.
      const base = labels[i] === 0 ? (v < 32 ? 200 : 40) : labels[i] === 1 ? (v % 8 < 4 ? 200 : 40) : 120;
      images[i * 64 + v] = Math.max(0, Math.min(255, base + ((s >> 8) % 80) - 40));
    }
  }
  return { images, shape: [n, 8, 8, 1], labels };
}

const data = syntheticImages(60, 5);
const regularizationImages = syntheticImages(14, 9);
const targets = thresholdedPixelTargets(regularizationImages, { th: 0.2 });

function setup(seed: number) {
  const model = tinyModel(seed);
  const regularizer = new SimilarityRegularizer({ model, taps: ['stem', 'stage1', 'stage2'] });
  return { model, regularizer };
}

const common = {
  train: data,
  regularization: { images: regularizationImages, targets },
  alpha: 1,
  epochs: 3,
  seed: 17,
  batchSize: 8,
  pairBatchSize: 4,
  heldOutPairs: 10,
  validationFraction: 0.1,
  learningRate: cyclicStepDecay({ initial: 0.05, every: 1, cycle: 2 }),
  progress: false,
} as const;

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('train', () => {
  it('resumes after an interruption mid-epoch with exactly the weights of an uninterrupted run', async () => {
    const start = tf.memory().numTensors;
    const full = setup(1);
    const store1 = memoryCheckpointStore();
    const reference = await train({ ...common, ...full, checkpointDir: 'run', checkpoint: store1 });
    expect(reference.interrupted).toBe(false);
    expect(reference.history).toHaveLength(3);
    const stepsPerEpoch = reference.history[0].steps; // 54 images / 8 → 7 steps
    expect(stepsPerEpoch).toBe(7);

    const store2 = memoryCheckpointStore();
    const first = setup(1);
    const cut = await train({
      ...common,
      ...first,
      checkpointDir: 'run',
      checkpoint: store2,
      checkpointEverySteps: 3,
      stopAfterSteps: 11,
    });
    expect(cut.interrupted).toBe(true);
    // A fresh process: another initialisation, restored from the last checkpoint (global step 9, mid-epoch 2).
    const second = setup(99);
    const resumed = await train({
      ...common,
      ...second,
      checkpointDir: 'run',
      checkpoint: store2,
      resume: true,
    });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.steps).toBe(reference.steps);
    expect(weightsOf(second.model)).toEqual(weightsOf(full.model));
    const [s1, s2] = [full.regularizer.getState(), second.regularizer.getState()];
    for (const name of Object.keys(s1))
      expect(Array.from(s2[name].dataSync())).toEqual(Array.from(s1[name].dataSync()));
    expect(resumed.history.map((h) => h.taskLoss)).toEqual(reference.history.map((h) => h.taskLoss));
    // The per-step L_sim distribution survives the mid-epoch resume: the checkpoint carries the epoch's values.
    expect(resumed.history.map((h) => h.simLossSteps)).toEqual(reference.history.map((h) => h.simLossSteps));
    expect(reference.history.every((h) => h.simLossSteps?.steps === stepsPerEpoch)).toBe(true);
    expect(resumed.bestEpoch).toBe(reference.bestEpoch);

    tf.dispose([...Object.values(s1), ...Object.values(s2)]);
    for (const r of [full, first, second]) {
      r.regularizer.dispose();
      r.model.dispose();
    }
    store1.dispose();
    store2.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('restoreBest ends with the weights of the lowest-validation-loss epoch (the checkpoint the paper evaluates)', async () => {
    const start = tf.memory().numTensors;
    const options = { ...common, epochs: 4, checkpointDir: 'run' };
    const kept = setup(5);
    const keptStore = memoryCheckpointStore();
    const plain = await train({ ...options, ...kept, checkpoint: keptStore });
    const restored = setup(5);
    const store = memoryCheckpointStore();
    const result = await train({ ...options, ...restored, checkpoint: store, restoreBest: true });
    // Same seeds, same trajectory: only the end differs.
    const noTiming = (h: typeof result.history) => h.map(({ imagesPerSecond: _, ...rest }) => rest);
    expect(noTiming(result.history)).toEqual(noTiming(plain.history));
    const losses = result.history.map((h) => h.validationLoss as number);
    expect(result.bestEpoch).toBe(losses.indexOf(Math.min(...losses)));
    const best = setup(6);
    const loaded = await store.load(join('run', 'best'), { model: best.model });
    best.regularizer.setState(loaded.tensors);
    tf.dispose(Object.values(loaded.tensors));
    expect(weightsOf(restored.model)).toEqual(weightsOf(best.model));
    const [r, b] = [restored.regularizer.getState(), best.regularizer.getState()];
    for (const name of Object.keys(r))
      expect(Array.from(r[name].dataSync())).toEqual(Array.from(b[name].dataSync()));
    // Here the best epoch is an early one (validation losses 1.38, 0.86, 1.57, 1.71), so without
    // restoreBest the model keeps other (the last epoch's) weights.
    expect(result.bestEpoch).toBeLessThan(options.epochs - 1);
    expect(weightsOf(kept.model)).not.toEqual(weightsOf(restored.model));
    tf.dispose([...Object.values(r), ...Object.values(b)]);
    for (const x of [kept, restored, best]) {
      x.regularizer.dispose();
      x.model.dispose();
    }
    keptStore.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resumes from checkpoint files (the default store of the Node train(): saveCheckpoint/loadCheckpoint)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixsim-ckpt-'));
    try {
      const options = { ...common, epochs: 2, checkpointDir: join(dir, 'ckpt') };
      const full = setup(4);
      await trainOnDisk({ ...options, ...full, checkpointDir: join(dir, 'full') });
      const cut = setup(4);
      const stopped = await trainOnDisk({ ...options, ...cut, checkpointEverySteps: 2, stopAfterSteps: 9 });
      expect(stopped.interrupted).toBe(true);
      expect(existsSync(join(dir, 'ckpt', 'last', 'model.json'))).toBe(true);
      expect(existsSync(join(dir, 'ckpt', 'best', 'model.json'))).toBe(true);
      const resumed = setup(50);
      const result = await trainOnDisk({ ...options, ...resumed, resume: true });
      expect(result.steps).toBe(14);
      expect(weightsOf(resumed.model)).toEqual(weightsOf(full.model));
      for (const r of [full, cut, resumed]) {
        r.regularizer.dispose();
        r.model.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes per-epoch metrics as JSON lines and trains the tap weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixsim-reg-'));
    try {
      const run = setup(2);
      const lines: string[] = [];
      const metricsFile = join(dir, 'logs', 'metrics.jsonl');
      const result = await trainOnDisk({
        ...common,
        ...run,
        epochs: 2,
        metricsFile,
        progress: { write: (s: string) => lines.push(s) },
      });
      const records = readFileSync(metricsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records).toHaveLength(2);
      expect(records[0]).toEqual(JSON.parse(JSON.stringify(result.history[0])));
      expect(records[0].learningRate).toBeCloseTo(0.05, 10);
      expect(records[1].learningRate).toBeCloseTo(0.015, 10);
      for (const r of records) {
        expect(r.simLoss).toBeGreaterThan(0);
        expect(r.simLossSteps.steps).toBe(r.steps);
        expect(r.simLossSteps.median).toBeLessThanOrEqual(r.simLossSteps.max);
        expect(r.heldOutCorrelation).toBeGreaterThanOrEqual(-1);
        expect(r.validationAccuracy).toBeGreaterThanOrEqual(0);
        expect(r.imagesPerSecond).toBeGreaterThan(0);
      }
      expect(result.initialHeldOutCorrelation).not.toBeNull();
      expect(lines.join('')).toContain('epoch 2/2');
      const w = run.regularizer.tapLogits!.dataSync();
      expect(Array.from(w).some((v) => v !== 0)).toBe(true);
      // softmax(w) of each epoch's end: a distribution over the taps, the last one the current π.
      for (const r of records) {
        expect(r.tapWeights).toHaveLength(w.length);
        expect(r.tapWeights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
      }
      const pi = run.regularizer.tapWeights();
      expect(records[1].tapWeights).toEqual(Array.from(pi.dataSync()));
      pi.dispose();
      expect(records[0].tapWeights).not.toEqual(records[0].tapWeights.map(() => 1 / w.length));
      run.regularizer.dispose();
      run.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at the next step when its AbortSignal fires', async () => {
    const run = setup(6);
    const controller = new AbortController();
    let lines = 0;
    const result = await train({
      ...common,
      ...run,
      progress: {
        write: () => {
          lines += 1;
          controller.abort(); // the first redraw comes right after the first step
        },
      },
      signal: controller.signal,
    });
    expect(result.interrupted).toBe(true);
    expect(result.steps).toBe(1);
    expect(lines).toBeGreaterThan(0);
    run.regularizer.dispose();
    run.model.dispose();
  });

  it('picks the input scaling from the task: MNIST-like sets in [0, 1], CIFAR in 5·(x − 0.5)', async () => {
    expect(taskInputScaling('mnist')).toBe('unit');
    expect(taskInputScaling('fashion-mnist')).toBe('unit');
    expect(taskInputScaling('cifar10')).toBe('reference');
    expect(taskInputScaling('cifar100')).toBe('reference');
    expect(taskInputScaling(undefined)).toBe('unit');
    const validation = syntheticImages(12, 21);
    const store = new ImageStore(validation, 'validation');
    const all = Array.from({ length: store.n }, (_, i) => i);
    for (const [name, expected] of [
      ['mnist', 'unit'],
      ['fashion-mnist', 'unit'],
      ['cifar10', 'reference'],
      ['cifar100', 'reference'],
      [undefined, 'unit'],
    ] as const) {
      const { model, regularizer } = setup(3);
      const result = await train({
        ...common,
        train: { ...data, name },
        validation,
        epochs: 1,
        model,
        regularizer,
      });
      expect(result.inputScaling).toBe(expected);
      // Validation during training (the evaluation path) saw the same scaling as the steps.
      const same = evaluateClassifier(model, store, all, { inputScaling: expected });
      const other = evaluateClassifier(model, store, all, {
        inputScaling: expected === 'unit' ? 'reference' : 'unit',
      });
      expect(result.history[0].validationLoss).toBeCloseTo(same.loss, 5);
      expect(Math.abs(result.history[0].validationLoss! - other.loss)).toBeGreaterThan(1e-3);
      // An explicit choice wins over the task's.
      const explicit = await train({
        ...common,
        train: { ...data, name },
        validation,
        epochs: 1,
        stopAfterSteps: 1,
        inputScaling: expected === 'unit' ? 'reference' : 'unit',
        model,
        regularizer,
      });
      expect(explicit.inputScaling).toBe(expected === 'unit' ? 'reference' : 'unit');
      regularizer.dispose();
      model.dispose();
    }
  });

  it('rejects inconsistent options with typed errors', async () => {
    const run = setup(3);
    await expect(train({ ...common, ...run, epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train({ ...common, ...run, resume: true })).rejects.toThrow(/need a checkpointDir/);
    await expect(train({ ...common, ...run, regularization: undefined })).rejects.toThrow(/alpha > 0/);
    await expect(train({ ...common, ...run, heldOutPairs: 10_000 })).rejects.toThrow(/heldOutPairs/);
    const store = memoryCheckpointStore();
    await train({ ...common, ...run, epochs: 1, checkpointDir: 'c', checkpoint: store });
    await expect(
      train({ ...common, ...run, alpha: 2, checkpointDir: 'c', checkpoint: store, resume: true }),
    ).rejects.toThrow(/other data or options/);
    // The universal train() writes no files: it names the Node entry or the store to pass instead.
    const universal = train({ ...common, ...run, checkpointDir: 'run' });
    await expect(universal).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(train({ ...common, ...run, checkpointDir: 'run' })).rejects.toThrow(
      /memoryCheckpointStore\(\).*'@pixsim\/regularizer\/node'/,
    );
    const withFile = { ...common, ...run, metricsFile: 'metrics.jsonl' } as Parameters<typeof train>[0];
    await expect(train(withFile)).rejects.toThrow(/metricsFile.*'@pixsim\/regularizer\/node'/);
    const { exists: _, ...noExists } = memoryCheckpointStore();
    await expect(
      train({ ...common, ...run, checkpointDir: 'c', checkpoint: noExists, resume: true }),
    ).rejects.toThrow(/no exists\(dir\) method/);
    store.dispose();
    run.regularizer.dispose();
  });
});

describe('schedule and hold-out', () => {
  it('cyclic step decay is 0.1·0.3^⌊(epoch mod 20)/4⌋ by default', () => {
    const lr = cyclicStepDecay();
    expect([0, 3, 4, 8, 19, 20, 24].map((e) => Number(lr(e).toPrecision(6)))).toEqual(
      [0.1, 0.1, 0.03, 0.009, 0.1 * 0.3 ** 4, 0.1, 0.03].map((v) => Number(v.toPrecision(6))),
    );
    expect(() => cyclicStepDecay({ every: 0 })).toThrow(/every/);
  });

  it('stratified hold-out keeps every class and is seeded', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : 1));
    const a = stratifiedHoldOut(labels, 0.01, 3);
    expect(a.validation.length).toBe(10);
    expect(Array.from(a.validation).filter((i) => labels[i] === 1)).toHaveLength(1);
    expect(a.train.length).toBe(990);
    expect(Array.from(stratifiedHoldOut(labels, 0.01, 3).validation)).toEqual(Array.from(a.validation));
    expect(Array.from(stratifiedHoldOut(labels, 0.01, 4).validation)).not.toEqual(Array.from(a.validation));
    expect(() => stratifiedHoldOut(labels, 0.9, 1)).toThrow(/fraction/);
  });
});
