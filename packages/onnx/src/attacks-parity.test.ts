import {
  createClassifier,
  gaussianNoiseAttack,
  robustnessCurve,
  runBoundaryAttack,
  scaleShift,
} from '@pixsim/attacks';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createOnnxModel } from './onnx-model';
import { cifarTest, randomizeBatchNorms, userCnn } from './test-helpers';
import { describeWithData } from '../../../test-support/real-data';

describeWithData(['cifar10'], 'onnx attacks on real CIFAR-10 images', ([cifarDir]) => {
  describe('attacks through onnxruntime-node', () => {
    it('give the tfjs model’s noise curve and Boundary Attack distances for the same seed', async () => {
      // The user CNN's predictions vary between images (an untrained ResNet's are constant, leaving nothing
      // for the Boundary Attack to find); its batch norms get moving statistics as after training.
      const model = userCnn([32, 32, 3]);
      randomizeBatchNorms(model, 15);
      const onnx = await createOnnxModel(model, { threads: 2 });
      const { images, labels } = await cifarTest(cifarDir, 16);
      const preprocess = scaleShift(5, 0.5);
      const tfjsClassifier = createClassifier(model, { preprocess });
      const onnxClassifier = createClassifier(onnx, { preprocess });
      const start = tf.memory().numTensors;

      const epsilons = [0, 0.05, 0.1, 0.2];
      const curve = (clf: typeof tfjsClassifier) =>
        robustnessCurve(clf, { images, labels }, gaussianNoiseAttack(), epsilons, { seed: 3, batchSize: 8 });
      const reference = curve(tfjsClassifier);
      expect(curve(onnxClassifier)).toEqual(reference);

      const first = tf.slice(images, [0], [4]) as tf.Tensor4D;
      const options = { seed: 5, steps: 20, initDirections: 50 };
      const a = runBoundaryAttack(tfjsClassifier, first, options);
      const b = runBoundaryAttack(onnxClassifier, first, options);
      expect(Array.from(b.success)).toEqual(Array.from(a.success));
      expect(Array.from(b.queries)).toEqual(Array.from(a.queries));
      expect(a.success.some((s) => s)).toBe(true);
      for (let i = 0; i < a.distances.length; i++) {
        // NaN where no adversarial was found (the image is misclassified already or the search failed).
        if (Number.isNaN(a.distances[i])) expect(b.distances[i]).toBeNaN();
        else expect(Math.abs(b.distances[i] - a.distances[i])).toBeLessThan(1e-4);
      }
      tf.dispose([a.adversarials, b.adversarials, first]);
      expect(tf.memory().numTensors).toBe(start);

      tf.dispose(images);
      await onnx.dispose();
      model.dispose();
    });
  });
});
