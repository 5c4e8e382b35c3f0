import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassifier, predictLabels } from '../classifier';
import {
  CorruptionUnavailableError,
  InvalidClassifierError,
  InvalidLabelsError,
  InvalidOptionError,
  InvalidSeverityError,
  ShapeMismatchError,
} from '../errors';
import { linearModel, uniformImages } from '../test-helpers';
import { corrupt, corruptionSeed } from './corrupt';
import { evaluateCorruptions, evaluateCorruptionsAsync } from './evaluate';
import { ALGORITHMIC_CORRUPTIONS, type CorruptionFamily } from './families';
import type { JpegCodec } from './jpeg';

const N = 7;

function setup(channels = 3) {
  const model = linearModel(6 * 6 * channels, 4, 2, 3);
  const clf = createClassifier(model.logits, { numClasses: 4 });
  const images = uniformImages([N, 6, 6, channels], 0, 1, 8);
  // Labels: the clean predictions, with two flipped, so clean accuracy is 5/7.
  const labels = Array.from(predictLabels(clf, images));
  labels[1] = (labels[1] + 1) % 4;
  labels[4] = (labels[4] + 1) % 4;
  return { clf, images, labels };
}

/** Accuracy of `clf` on the whole set corrupted at once, with the evaluation's seed for (family, severity). */
function byHand(
  clf: ReturnType<typeof setup>['clf'],
  images: tf.Tensor4D,
  labels: number[],
  f: CorruptionFamily,
  s: number,
) {
  const x = corrupt(images, f, s, { seed: corruptionSeed(4, f, s) });
  const pred = predictLabels(clf, x);
  x.dispose();
  return pred.filter((p, i) => p === labels[i]).length / labels.length;
}

describe('evaluateCorruptions', () => {
  it('reports the accuracy per family and severity of corrupting the whole set (batches of 3)', () => {
    const { clf, images, labels } = setup();
    const start = tf.memory().numTensors;
    const r = evaluateCorruptions(clf, { images, labels }, { seed: 4, batchSize: 3 });
    expect(r.n).toBe(N);
    expect(r.cleanAccuracy).toBeCloseTo(5 / 7, 12);
    expect(r.severities).toEqual([1, 2, 3, 4, 5]);
    expect(r.families.map((f) => f.family)).toEqual(ALGORITHMIC_CORRUPTIONS);
    for (const { family, accuracy } of r.families) {
      for (const [k, a] of accuracy.entries())
        expect(a).toBeCloseTo(byHand(clf, images, labels, family, k + 1), 12);
    }
    // Not all trivially equal to the clean accuracy: the corruptions change predictions.
    expect(r.families.some((f) => f.accuracy.some((a) => Math.abs(a - r.cleanAccuracy) > 1e-9))).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
    images.dispose();
  });

  it('gives the same result with asynchronous reads, and adds JPEG when a codec is given', async () => {
    const { clf, images, labels } = setup();
    const options = {
      seed: 4,
      families: ['shot-noise', 'pixelate'] as CorruptionFamily[],
      severities: [2, 5],
    };
    const labelTensor = tf.tensor1d(labels, 'int32');
    const sync = evaluateCorruptions(clf, { images, labels: labelTensor }, options);
    labelTensor.dispose();
    const async = await evaluateCorruptionsAsync(clf, { images, labels }, options);
    expect(async).toEqual(sync);
    expect(sync.families[1].accuracy.length).toBe(2);
    const qualities: number[] = [];
    const jpeg: JpegCodec = async (image, quality) => {
      qualities.push(quality);
      return image.data;
    };
    const withJpeg = await evaluateCorruptionsAsync(
      clf,
      { images, labels },
      { seed: 4, jpeg, severities: [1, 5] },
    );
    expect(withJpeg.families.at(-1)?.family).toBe('jpeg-compression');
    expect(new Set(qualities)).toEqual(new Set([80, 40]));
    images.dispose();
  });

  it('leaves saturate out of the default families on grey images', () => {
    const { clf, images, labels } = setup(1);
    const r = evaluateCorruptions(clf, { images, labels }, { seed: 1, severities: [1] });
    expect(r.families.map((f) => f.family)).toEqual(ALGORITHMIC_CORRUPTIONS.filter((f) => f !== 'saturate'));
    expect(() => evaluateCorruptions(clf, { images, labels }, { seed: 1, families: ['saturate'] })).toThrow(
      CorruptionUnavailableError,
    );
    images.dispose();
  });

  it('throws typed errors before any work, and leaves no tensor behind', async () => {
    const { clf, images, labels } = setup();
    const data = { images, labels };
    const flat = tf.zeros([2, 2]);
    const start = tf.memory().numTensors;
    const cases: [() => unknown, new (...a: never[]) => Error][] = [
      [() => evaluateCorruptions(clf, data, {} as never), InvalidOptionError],
      [() => evaluateCorruptions(clf, data, { seed: 1, families: [] }), InvalidOptionError],
      [
        () => evaluateCorruptions(clf, data, { seed: 1, families: ['contrast', 'contrast'] }),
        InvalidOptionError,
      ],
      [
        () => evaluateCorruptions(clf, data, { seed: 1, families: ['frost' as CorruptionFamily] }),
        CorruptionUnavailableError,
      ],
      [() => evaluateCorruptions(clf, data, { seed: 1, severities: [0] }), InvalidSeverityError],
      [() => evaluateCorruptions(clf, data, { seed: 1, batchSize: 0 }), InvalidOptionError],
      [
        () => evaluateCorruptions(clf, data, { seed: 1, families: ['jpeg-compression'] }),
        CorruptionUnavailableError,
      ],
      [
        () => evaluateCorruptionsAsync(clf, data, { seed: 1, families: ['jpeg-compression'] }),
        CorruptionUnavailableError,
      ],
      [
        () => evaluateCorruptions(createClassifier(clf.logits, { bounds: [0, 255] }), data, { seed: 1 }),
        InvalidClassifierError,
      ],
      [() => evaluateCorruptions({} as never, data, { seed: 1 }), InvalidClassifierError],
      [() => evaluateCorruptions(clf, { images, labels: labels.slice(1) }, { seed: 1 }), ShapeMismatchError],
      [
        () => evaluateCorruptions(clf, { images, labels: labels.map(() => 9) }, { seed: 1 }),
        InvalidLabelsError,
      ],
      [() => evaluateCorruptions(clf, { images: flat as never, labels }, { seed: 1 }), ShapeMismatchError],
    ];
    for (const [f, type] of cases) {
      let error: unknown;
      try {
        await f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(type);
      expect(tf.memory().numTensors).toBe(start);
    }
    tf.dispose([images, flat]);
  });

  it('frees every tensor when the model fails half-way (sync and async)', async () => {
    const { clf, images, labels } = setup();
    let calls = 0;
    const flaky = createClassifier(
      (x) => {
        calls++;
        if (calls === 5) throw new Error('device lost');
        return clf.logits(x);
      },
      { numClasses: 4 },
    );
    const start = tf.memory().numTensors;
    expect(() => evaluateCorruptions(flaky, { images, labels }, { seed: 1, batchSize: 3 })).toThrow(
      /device lost/,
    );
    expect(tf.memory().numTensors).toBe(start);
    calls = 0;
    await expect(
      evaluateCorruptionsAsync(flaky, { images, labels }, { seed: 1, batchSize: 3 }),
    ).rejects.toThrow(/device lost/);
    expect(tf.memory().numTensors).toBe(start);
    images.dispose();
  });
});
