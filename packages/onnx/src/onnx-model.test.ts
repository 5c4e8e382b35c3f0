import { resnet18 } from '@pixsim/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidOptionError, SessionDisposedError } from './errors';
import { toOnnx } from './export';
import { createOnnxModel } from './onnx-model';
import { cifarTest, maxAbsDiff, mnistTest, randomizeBatchNorms, userCnn } from './test-helpers';
import { describeWithData } from '../../../test-support/real-data';

describeWithData(['cifar10'], 'onnx models on real CIFAR-10 images', ([cifarDir]) => {
  const TOLERANCE = 1e-4;

  let cifar: tf.Tensor4D;
  let cifarGrey: tf.Tensor4D;
  let mnist: tf.Tensor4D;

  beforeAll(async () => {
    cifar = (await cifarTest(cifarDir, 8)).images;
    cifarGrey = tf.tidy(() => tf.mean(cifar, 3, true) as tf.Tensor4D);
    mnist = await mnistTest(8);
  });

  afterAll(() => tf.dispose([cifar, cifarGrey, mnist]));

  /** Logits of `model` on tfjs and on onnxruntime-node (1 and 2 threads) for the same real images. */
  async function compare(model: tfl.LayersModel, images: tf.Tensor4D): Promise<void> {
    const reference = model.predict(images) as tf.Tensor;
    for (const threads of [1, 2]) {
      const onnx = await createOnnxModel(model, { threads });
      const start = tf.memory().numTensors;
      const logits = tf.tidy(() => onnx.predict(images));
      expect(tf.memory().numTensors).toBe(start + 1);
      expect(logits.shape).toEqual(reference.shape);
      expect(maxAbsDiff(logits, reference)).toBeLessThan(TOLERANCE);
      logits.dispose();
      await onnx.dispose();
    }
    reference.dispose();
  }

  describe('createOnnxModel', () => {
    it('matches the tfjs logits of the RGB CIFAR ResNet18 on CIFAR-10 test images to 1e-4', async () => {
      const model = resnet18({ inputShape: [32, 32, 3], classes: 10, width: 16, seed: 3 });
      randomizeBatchNorms(model, 11);
      await compare(model, cifar);
      model.dispose();
    });

    it('matches the grey MNIST ResNet18 on MNIST test images, and the ImageNet-stem variant on grey CIFAR', async () => {
      const grey = resnet18({ inputShape: [28, 28, 1], classes: 10, width: 16, seed: 4 });
      randomizeBatchNorms(grey, 12);
      await compare(grey, mnist);
      grey.dispose();
      const imagenet = resnet18({
        inputShape: [32, 32, 1],
        classes: 10,
        width: 8,
        variant: 'imagenet',
        seed: 5,
      });
      randomizeBatchNorms(imagenet, 13);
      await compare(imagenet, cifarGrey);
      imagenet.dispose();
    });

    it('matches a user-style sequential CNN on CIFAR-10 test images', async () => {
      const model = userCnn([32, 32, 3]);
      randomizeBatchNorms(model, 14);
      await compare(model, cifar);
      model.dispose();
    });

    it('answers any batch size, including 1 and 0, and reports its engine', async () => {
      const model = userCnn([32, 32, 3]);
      const onnx = await createOnnxModel(toOnnx(model), { threads: 1 });
      expect(onnx.engine).toBe('onnxruntime');
      expect(onnx.description).toMatch(/^onnxruntime-node \d+\.\d+\.\d+, 1 thread$/);
      const one = tf.tidy(() => onnx.predict(tf.slice(cifar, [2], [1])));
      const reference = tf.tidy(() => model.predict(tf.slice(cifar, [2], [1])) as tf.Tensor);
      expect(maxAbsDiff(one, reference)).toBeLessThan(TOLERANCE);
      const none = tf.tidy(() => onnx.predict(tf.slice(cifar, [0], [0])));
      expect(none.shape).toEqual([0, 10]);
      tf.dispose([one, reference, none]);
      await onnx.dispose();
      model.dispose();
    });

    it('rejects wrongly shaped batches, bad thread counts and use after dispose', async () => {
      const model = userCnn([32, 32, 3]);
      const onnx = await createOnnxModel(model, { threads: 1 });
      expect(() => onnx.predict(cifarGrey)).toThrow(InvalidInputError);
      expect(() => onnx.predict(tf.zeros([2, 3072]))).toThrow(/shape \[N, 32, 32, 3\]/);
      await onnx.dispose();
      expect(() => onnx.predict(cifar)).toThrow(SessionDisposedError);
      await expect(createOnnxModel(model, { threads: 0 })).rejects.toThrow(InvalidOptionError);
      await expect(createOnnxModel(model, { threads: 1.5 })).rejects.toMatchObject({ option: 'threads' });
      model.dispose();
    });
  });
});
