import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  gaussianNoiseAttack,
  type PerturbationAttack,
  saltAndPepperNoiseAttack,
  uniformNoiseAttack,
} from './attack-specs';
import { runBoundaryAttack, runBoundaryAttackAsync } from './boundary-attack';
import { type Classifier, createClassifier, type PredictingModel, scaleShift, toGrey } from './classifier';
import { InvalidOptionError, OutOfBoundsError, ShapeMismatchError } from './errors';
import { runHopSkipJump } from './hop-skip-jump';
import { addNoise, type NoiseClamp, type NoiseKind } from './noise';
import { noiseSweep } from './noise-sweep';
import { createOracle } from './oracle';
import { SeededRandom } from './random';
import { robustnessCurve, robustnessCurveAsync } from './robustness-curve';
import { runSquareAttack } from './square-attack';
import { linearModel, uniformImages } from './test-helpers';
import type { ValuesModel } from './values-model';

/**
 * A model with both paths, as `createOnnxModel` has them: `predict` on tensors and `predictValues` on plain
 * values (here through the same tfjs logits, so both give the same numbers). Counts the calls of each.
 */
function dualModel(logits: (x: tf.Tensor4D) => tf.Tensor2D) {
  const calls = { tensor: 0, values: 0 };
  const model = {
    predict: (x: tf.Tensor) => {
      calls.tensor++;
      return logits(x as tf.Tensor4D);
    },
    predictValues: (values: Float32Array, shape: readonly number[]) => {
      calls.values++;
      const x = tf.tensor4d(values, shape as [number, number, number, number]);
      const out = logits(x);
      const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
      tf.dispose([x, out]);
      return result;
    },
  };
  return { model, calls };
}

/** The same model as a classifier on tensors only (a plain function has no `predictValues`). */
function tensorClassifier(logits: (x: tf.Tensor4D) => tf.Tensor2D, preprocess = scaleShift(5, 0.5)) {
  return createClassifier((x) => logits(x), { preprocess, numClasses: 10 });
}

function bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
}

describe('scaleShift on plain values', () => {
  it('gives the tensor step’s float32 numbers bit for bit, also for scalars float32 cannot hold', () => {
    const rng = new SeededRandom(7);
    const x = rng.fillUniform(new Float32Array(4096), -3, 3);
    x.set([0, -0, 1, 0.5, 1e-40, -1e-40, 3.4e38, 1 / 3, 0.1]);
    const start = tf.memory().numTensors;
    for (const [scale, shift] of [
      [5, 0.5],
      [1 / 3, 0.1],
      [-2.7, 1e-7],
      [255, 0],
    ]) {
      const step = scaleShift(scale, shift);
      const t = tf.tensor1d(x) as unknown as tf.Tensor4D;
      const viaTensor = step(t);
      expect(bits(step.values?.(x) as Float32Array)).toEqual(bits(viaTensor.dataSync() as Float32Array));
      tf.dispose([t, viaTensor]);
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('Classifier.logitsValues', () => {
  const lin = linearModel(12, 10, 3);

  it('exists for a ValuesModel whose steps all have a plain form, and equals logits', () => {
    const { model } = dualModel(lin.logits);
    const clf = createClassifier(model, { preprocess: scaleShift(5, 0.5) });
    expect(
      createClassifier(model, { preprocess: [toGrey(), scaleShift(5, 0.5)] }).logitsValues,
    ).toBeUndefined();
    expect(createClassifier(lin.logits).logitsValues).toBeUndefined();
    const x = uniformImages([3, 2, 2, 3], 0, 1, 4);
    const values = Float32Array.from(x.dataSync());
    const start = tf.memory().numTensors;
    const out = clf.logitsValues?.(values, [3, 2, 2, 3]);
    expect(tf.memory().numTensors).toBe(start);
    const reference = clf.logits(x);
    expect(out?.k).toBe(10);
    expect(bits(out?.logits as Float32Array)).toEqual(bits(reference.dataSync() as Float32Array));
    tf.dispose([x, reference]);
  });

  it('throws typed errors for bad values, failing models and outputs that are not [N, K]', () => {
    const values = new Float32Array(12);
    const ok = createClassifier(dualModel(lin.logits).model);
    expect(() => ok.logitsValues?.(values, [2, 2, 2, 3])).toThrow(ShapeMismatchError);
    expect(() => ok.logitsValues?.([1, 2] as never, [1, 1, 1, 2])).toThrow(ShapeMismatchError);
    const throwing: ValuesModel & PredictingModel = {
      predict: lin.logits as never,
      predictValues: () => {
        throw new Error('wrong input size');
      },
    };
    const failing = createClassifier(throwing);
    expect(() => failing.logitsValues?.(values, [1, 2, 2, 3])).toThrow(/model failed.*wrong input size/);
    const flatModel: ValuesModel & PredictingModel = {
      predict: lin.logits as never,
      predictValues: (v: Float32Array) => ({ values: v, shape: [v.length] }),
    };
    const flat = createClassifier(flatModel);
    expect(() => flat.logitsValues?.(values, [1, 2, 2, 3])).toThrow(ShapeMismatchError);
  });
});

describe('noiseSweep', () => {
  const kinds: NoiseKind[] = ['gaussian', 'uniform', 'salt-and-pepper'];
  const clamps: NoiseClamp[] = ['image', 'bounds', 'none'];

  it('yields addNoise’s images bit for bit at every ε, with the clean values themselves at ε = 0', () => {
    const x = uniformImages([5, 4, 4, 2], 0.1, 0.9, 11);
    const values = Float32Array.from(x.dataSync());
    const epsilons = [0, 0.05, 0.3, 0, 1];
    const start = tf.memory().numTensors;
    for (const kind of kinds) {
      for (const clamp of clamps) {
        const options = { seed: 9, indexOffset: 17, clamp, bounds: [0, 1] as const };
        let k = 0;
        for (const noisy of noiseSweep(kind, values, [5, 4, 4, 2], epsilons, options)) {
          const reference = addNoise(kind, x, epsilons[k], options);
          if (epsilons[k] === 0) expect(noisy).toBe(values);
          expect(bits(noisy)).toEqual(bits(reference.dataSync() as Float32Array));
          reference.dispose();
          k++;
        }
        expect(k).toBe(epsilons.length);
      }
    }
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
  });

  it('checks its inputs like addNoise', () => {
    const values = new Float32Array([0.2, 0.4, 2]);
    const sweep = (v: Float32Array, eps: number[], o: object = {}) =>
      Array.from(
        noiseSweep('salt-and-pepper', v, [1, 1, 1, 3], eps, {
          seed: 1,
          indexOffset: 0,
          bounds: [0, 1],
          ...o,
        }),
      );
    expect(() => sweep(values, [0.1])).toThrow(OutOfBoundsError);
    expect(() => sweep(values.subarray(0, 2), [2])).toThrow(/probability/);
    expect(() => sweep(values.subarray(0, 2), [0.1], { clamp: 'nearest' })).toThrow(InvalidOptionError);
    expect(() => sweep(values.subarray(0, 2), [0.1], { indexOffset: -1 })).toThrow(InvalidOptionError);
  });
});

describe('robustnessCurve on plain values', () => {
  // Labels are the clean predictions, so accuracy starts at 1 and the noise brings it down.
  const lin = linearModel(48, 10, 5, 3);
  const images = uniformImages([23, 4, 4, 3], 0, 1, 6);
  const labels = tf.tidy(() =>
    tf.argMax(lin.logits(tf.mul(tf.sub(images, 0.5), 5) as tf.Tensor4D), 1),
  ) as tf.Tensor1D;
  const epsilons = [0, 0.05, 0.2, 0.5];
  const attacks: PerturbationAttack[] = [
    gaussianNoiseAttack(),
    uniformNoiseAttack({ clamp: 'bounds' }),
    saltAndPepperNoiseAttack({ clamp: 'none' }),
  ];

  it('gives the tensor loop’s curve with no tensor per batch and the clean predictions reused at ε = 0', async () => {
    const start = tf.memory().numTensors;
    for (const attack of attacks) {
      const { model, calls } = dualModel(lin.logits);
      const clf = createClassifier(model, { preprocess: scaleShift(5, 0.5), numClasses: 10 });
      const options = { seed: 3, repeats: 2, batchSize: 10 };
      const reference = robustnessCurve(
        tensorClassifier(lin.logits),
        { images, labels },
        attack,
        epsilons,
        options,
      );
      const curve = robustnessCurve(clf, { images, labels }, attack, epsilons, options);
      expect(curve).toEqual(reference);
      expect(reference.accuracy[3].mean).toBeLessThan(0.9);
      expect(calls.tensor).toBe(0);
      // 3 batches: the clean pass, then 2 repeats × 3 budgets > 0.
      expect(calls.values).toBe(3 * (1 + 2 * 3));
      expect(await robustnessCurveAsync(clf, { images, labels }, attack, epsilons, options)).toEqual(
        reference,
      );
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects an attack whose perturbValues yields the wrong number of batches, and frees its tensors', () => {
    const clf = createClassifier(dualModel(lin.logits).model, { preprocess: scaleShift(5, 0.5) });
    const start = tf.memory().numTensors;
    for (const count of [1, 5]) {
      const attack: PerturbationAttack = {
        ...gaussianNoiseAttack(),
        *perturbValues(_c, values) {
          for (let i = 0; i < count; i++) yield values;
        },
      };
      expect(() => robustnessCurve(clf, { images, labels }, attack, epsilons, { seed: 1 })).toThrow(
        count === 1 ? /gave 1 batches for 4 budgets/ : /gave more batches/,
      );
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('black-box attacks on plain values', () => {
  const lin = linearModel(48, 10, 8, 3);
  const x = uniformImages([4, 4, 4, 3], 0, 1, 9);

  function both() {
    const dual = dualModel(lin.logits);
    return {
      values: createClassifier(dual.model, { preprocess: scaleShift(5, 0.5) }),
      tensors: tensorClassifier(lin.logits) as Classifier,
      calls: dual.calls,
    };
  }

  it('the Square Attack finds the same points with the same queries', () => {
    const { values, tensors, calls } = both();
    const start = tf.memory().numTensors;
    const options = { seed: 2, maxQueries: 40 };
    const a = runSquareAttack(tensors, x, 0.05, options);
    const b = runSquareAttack(values, x, 0.05, options);
    expect(calls.tensor).toBe(0);
    expect(calls.values).toBeGreaterThan(10);
    expect(b.success).toEqual(a.success);
    expect(Array.from(b.queries)).toEqual(Array.from(a.queries));
    expect(Array.from(b.margins)).toEqual(Array.from(a.margins));
    expect(bits(b.adversarials.dataSync() as Float32Array)).toEqual(
      bits(a.adversarials.dataSync() as Float32Array),
    );
    tf.dispose([a.adversarials, b.adversarials]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('HopSkipJump finds the same points with the same queries', () => {
    const { values, tensors, calls } = both();
    const start = tf.memory().numTensors;
    const options = { seed: 4, steps: 3, initialProbes: 20, maxProbes: 40, batchSize: 25 };
    const a = runHopSkipJump(tensors, x, options);
    const b = runHopSkipJump(values, x, options);
    expect(calls.tensor).toBe(0);
    expect(calls.values).toBeGreaterThan(10);
    expect(b.success).toEqual(a.success);
    expect(Array.from(b.queries)).toEqual(Array.from(a.queries));
    expect(Array.from(b.distances)).toEqual(Array.from(a.distances));
    expect(bits(b.adversarials.dataSync() as Float32Array)).toEqual(
      bits(a.adversarials.dataSync() as Float32Array),
    );
    tf.dispose([a.adversarials, b.adversarials]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('the Boundary Attack (tensor candidates, one read each) finds the same points with the same queries', async () => {
    const { values, tensors, calls } = both();
    const start = tf.memory().numTensors;
    const options = { seed: 6, steps: 8, initDirections: 30 };
    const a = runBoundaryAttack(tensors, x, options);
    const b = runBoundaryAttack(values, x, options);
    const c = await runBoundaryAttackAsync(values, x, options);
    expect(calls.tensor).toBe(0);
    for (const r of [b, c]) {
      expect(r.success).toEqual(a.success);
      expect(Array.from(r.queries)).toEqual(Array.from(a.queries));
      expect(Array.from(r.distances)).toEqual(Array.from(a.distances));
    }
    tf.dispose([a.adversarials, b.adversarials, c.adversarials]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('an oracle reads a tensor once and asks the model on plain values', () => {
    const { values, calls } = both();
    const oracle = createOracle(values, [4, 4, 3], new Int32Array([0, 1, 2, 3]));
    const flat = tf.reshape(x, [4, 48]) as tf.Tensor2D;
    const start = tf.memory().numTensors;
    const rows = new Int32Array([0, 1, 2, 3]);
    const viaTensor = oracle.isAdversarial(rows, flat);
    const viaValues = oracle.isAdversarialValues?.(rows, Float32Array.from(flat.dataSync()));
    expect(Array.from(viaValues ?? [])).toEqual(Array.from(viaTensor));
    expect(calls).toEqual({ tensor: 0, values: 2 });
    expect(Array.from(oracle.queries)).toEqual([2, 2, 2, 2]);
    expect(tf.memory().numTensors).toBe(start);
    flat.dispose();
  });
});
