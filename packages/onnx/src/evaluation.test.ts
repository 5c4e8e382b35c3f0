import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, UnsupportedLayerError } from './errors';
import { createEvaluationModel } from './evaluation';
import { cifarTest, maxAbsDiff, userCnn } from './test-helpers';
import { describeWithData } from '../../../test-support/real-data';

describeWithData(['cifar10'], 'evaluation models on real CIFAR-10 images', ([cifarDir]) => {
  let images: tf.Tensor4D;

  beforeAll(async () => {
    images = (await cifarTest(cifarDir, 4)).images;
  });

  afterAll(() => images.dispose());

  /** A model with a layer the exporter does not translate (nearest-neighbour upsampling). */
  function withUpsampling(): tfl.LayersModel {
    return tfl.sequential({
      layers: [
        tfl.layers.upSampling2d({ inputShape: [32, 32, 3], size: [2, 2], name: 'upsample' }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 10 }),
      ],
    });
  }

  describe('createEvaluationModel', () => {
    it("uses onnxruntime-node for 'auto' when it is installed and every layer exports", async () => {
      const model = userCnn([32, 32, 3]);
      const evaluator = await createEvaluationModel(model, { engine: 'auto', threads: 1 });
      expect(evaluator.engine).toBe('onnxruntime');
      expect(evaluator.fallback).toBeUndefined();
      const start = tf.memory().numTensors;
      const diff = tf.tidy(() => maxAbsDiff(evaluator.predict(images), model.predict(images) as tf.Tensor));
      expect(tf.memory().numTensors).toBe(start);
      expect(diff).toBeLessThan(1e-4);
      await evaluator.dispose();
      model.dispose();
    });

    it("falls back to tfjs for 'auto' only, recording why", async () => {
      const model = withUpsampling();
      const evaluator = await createEvaluationModel(model);
      expect(evaluator.engine).toBe('tfjs');
      expect(evaluator.description).toBe(`tfjs ${tf.version_core} (cpu)`);
      expect(evaluator.fallback).toBeInstanceOf(UnsupportedLayerError);
      expect(evaluator.fallback).toMatchObject({ layer: 'upsample' });
      await expect(createEvaluationModel(model, { engine: 'onnxruntime' })).rejects.toThrow(
        UnsupportedLayerError,
      );
      await evaluator.dispose();
      model.dispose();
    });

    it("evaluates on tfjs when asked, with the model's own logits", async () => {
      const model = userCnn([32, 32, 3]);
      const evaluator = await createEvaluationModel(model, { engine: 'tfjs' });
      expect(evaluator.engine).toBe('tfjs');
      expect(evaluator.fallback).toBeUndefined();
      const diff = tf.tidy(() => maxAbsDiff(evaluator.predict(images), model.predict(images) as tf.Tensor));
      expect(diff).toBe(0);
      await evaluator.dispose();
      expect(model.layers[0].getWeights()[0].isDisposed).toBe(false);
      model.dispose();
    });

    it('rejects unknown engines with the accepted names', async () => {
      const model = userCnn([32, 32, 3]);
      // @ts-expect-error: a wrong engine from untyped code
      await expect(createEvaluationModel(model, { engine: 'onnx' })).rejects.toThrow(InvalidOptionError);
      // @ts-expect-error: a wrong engine from untyped code
      await expect(createEvaluationModel(model, { engine: 'gpu' })).rejects.toThrow(
        /'auto', 'onnxruntime', 'tfjs'/,
      );
      model.dispose();
    });
  });
});
