import {
  createClassifier,
  gaussianNoiseAttack,
  robustnessCurve,
  robustnessCurveAsync,
  runHopSkipJump,
  runSquareAttack,
  saltAndPepperNoiseAttack,
  scaleShift,
  uniformNoiseAttack,
} from '@pixsim/attacks';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, SessionDisposedError } from './errors';
import { createEvaluationModel } from './evaluation';
import { createOnnxModel, type OnnxModel } from './onnx-model';
import { cifarTest, randomizeBatchNorms, userCnn } from './test-helpers';
import { describeWithData } from '../../../test-support/real-data';

function bits(x: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(x).buffer));
}

describeWithData(['cifar10'], 'onnx evaluation on plain values (real CIFAR-10 images)', ([cifarDir]) => {
  // The user CNN's predictions vary between images; its batch norms get moving statistics as after training.
  const model = userCnn([32, 32, 3]);
  randomizeBatchNorms(model, 15);
  let onnx: OnnxModel;
  let images: tf.Tensor4D;
  let labels: Int32Array;

  beforeAll(async () => {
    onnx = await createOnnxModel(model, { threads: 2 });
    ({ images, labels } = await cifarTest(cifarDir, 24));
  });

  afterAll(async () => {
    images.dispose();
    await onnx.dispose();
    model.dispose();
  });

  /** The ONNX model through tensors only: a plain function has no `predictValues`. */
  const tensorPath = () => createClassifier((x) => onnx.predict(x), { preprocess: scaleShift(5, 0.5) });
  const valuesPath = () => createClassifier(onnx, { preprocess: scaleShift(5, 0.5) });

  describe('OnnxModel.predictValues', () => {
    it('gives predict’s logits bit for bit, also for a view into a larger buffer, and no tensor', () => {
      const start = tf.memory().numTensors;
      const all = Float32Array.from(images.dataSync());
      const d = 32 * 32 * 3;
      const view = all.subarray(5 * d, 9 * d);
      const out = onnx.predictValues(view, [4, 32, 32, 3]);
      expect(tf.memory().numTensors).toBe(start);
      const reference = tf.tidy(() => onnx.predict(tf.slice(images, [5], [4])).dataSync());
      expect(out.shape).toEqual([4, 10]);
      expect(bits(out.values)).toEqual(bits(reference));
      expect(onnx.predictValues(new Float32Array(0), [0, 32, 32, 3])).toEqual({
        values: new Float32Array(0),
        shape: [0, 10],
      });
      expect(tf.memory().numTensors).toBe(start);
    });

    it('rejects values or shapes that do not fit the model with InvalidInputError', () => {
      const d = 32 * 32 * 3;
      const bad: [unknown, unknown][] = [
        [new Float32Array(d), [1, 32, 32, 1]],
        [new Float32Array(d), [2, 32, 32, 3]],
        [new Float32Array(d), [1, 32, 32]],
        [new Float32Array(d), [-1, 32, 32, 3]],
        [new Float64Array(d), [1, 32, 32, 3]],
        [Array.from({ length: d }, () => 0), [1, 32, 32, 3]],
        [new Float32Array(d), 'shape'],
      ];
      for (const [values, shape] of bad) {
        expect(() => onnx.predictValues(values as never, shape as never)).toThrow(InvalidInputError);
      }
    });

    it('is what createEvaluationModel gives on onnxruntime, and throws once disposed', async () => {
      const evaluator = await createEvaluationModel(model, { engine: 'onnxruntime', threads: 1 });
      expect(typeof evaluator.predictValues).toBe('function');
      expect(createClassifier(evaluator).logitsValues).toBeDefined();
      const tfjs = await createEvaluationModel(model, { engine: 'tfjs' });
      expect(tfjs.predictValues).toBeUndefined();
      await evaluator.dispose();
      expect(() => evaluator.predictValues?.(new Float32Array(3072), [1, 32, 32, 3])).toThrow(
        SessionDisposedError,
      );
    });
  });

  describe('attacks through onnxruntime-node on plain values', () => {
    it('give the tensor path’s noise curves (Gaussian, uniform, salt-and-pepper), sync and async', async () => {
      const start = tf.memory().numTensors;
      const epsilons = [0, 0.05, 0.1, 0.3];
      for (const attack of [gaussianNoiseAttack(), uniformNoiseAttack(), saltAndPepperNoiseAttack()]) {
        const options = { seed: 3, repeats: 2, batchSize: 10 };
        const reference = robustnessCurve(tensorPath(), { images, labels }, attack, epsilons, options);
        const clf = valuesPath();
        expect(clf.logitsValues).toBeDefined();
        expect(robustnessCurve(clf, { images, labels }, attack, epsilons, options)).toEqual(reference);
        expect(await robustnessCurveAsync(clf, { images, labels }, attack, epsilons, options)).toEqual(
          reference,
        );
      }
      expect(tf.memory().numTensors).toBe(start);
    });

    it('give the tensor path’s Square Attack and HopSkipJump results', () => {
      const start = tf.memory().numTensors;
      const x = tf.slice(images, [0], [4]) as tf.Tensor4D;
      const squareOptions = { seed: 1, maxQueries: 30, labels: labels.slice(0, 4) };
      const a = runSquareAttack(tensorPath(), x, 8 / 255, squareOptions);
      const b = runSquareAttack(valuesPath(), x, 8 / 255, squareOptions);
      expect(b.success).toEqual(a.success);
      expect(Array.from(b.queries)).toEqual(Array.from(a.queries));
      expect(Array.from(b.margins)).toEqual(Array.from(a.margins));
      const hsjOptions = { seed: 2, steps: 2, initialProbes: 10, maxProbes: 20 };
      const c = runHopSkipJump(tensorPath(), x, hsjOptions);
      const e = runHopSkipJump(valuesPath(), x, hsjOptions);
      expect(e.success).toEqual(c.success);
      expect(Array.from(e.queries)).toEqual(Array.from(c.queries));
      expect(Array.from(e.distances)).toEqual(Array.from(c.distances));
      expect(bits(e.adversarials.dataSync())).toEqual(bits(c.adversarials.dataSync()));
      tf.dispose([a.adversarials, b.adversarials, c.adversarials, e.adversarials, x]);
      expect(tf.memory().numTensors).toBe(start);
    });
  });
});
