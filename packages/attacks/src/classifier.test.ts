import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassifier, predictLabels, scaleShift, toGrey } from './classifier';
import { InvalidOptionError, ShapeMismatchError } from './errors';

describe('createClassifier', () => {
  it('applies preprocessing in order (grey, then 5·(x − 0.5)) before the model', () => {
    const seen: number[][] = [];
    const clf = createClassifier(
      (x) => {
        seen.push(Array.from(x.dataSync()));
        expect(x.shape).toEqual([1, 1, 2, 1]);
        return tf.reshape(x, [1, 2]);
      },
      { preprocess: [toGrey(), scaleShift(5, 0.5)] },
    );
    const img = tf.tensor4d([0, 0.3, 0.6, 1, 1, 1], [1, 1, 2, 3]);
    const start = tf.memory().numTensors;
    const logits = clf.logits(img);
    expect(seen[0][0]).toBeCloseTo(5 * (0.3 - 0.5), 6);
    expect(seen[0][1]).toBeCloseTo(2.5, 6);
    expect(Array.from(predictLabels(clf, img))).toEqual([1]);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(start);
    img.dispose();
  });

  it('wraps anything with predict (a LayersModel) and checks the output shape', () => {
    const model = { predict: (x: tf.Tensor) => tf.reshape(x, [x.shape[0], -1]) };
    const clf = createClassifier(model, { bounds: [-1, 1] });
    expect(clf.bounds).toEqual([-1, 1]);
    const x = tf.zeros([2, 1, 1, 3]) as tf.Tensor4D;
    const l = clf.logits(x);
    expect(l.shape).toEqual([2, 3]);
    const bad = createClassifier((y) => tf.reshape(y, [-1]));
    expect(() => bad.logits(x)).toThrow(ShapeMismatchError);
    const multi = createClassifier({ predict: (y: tf.Tensor) => [y, y] });
    expect(() => multi.logits(x)).toThrow(/several outputs/);
    tf.dispose([x, l]);
  });

  it('rejects bad bounds, models and preprocessing steps', () => {
    const f = (x: tf.Tensor4D) => x;
    expect(() => createClassifier(f, { bounds: [1, 0] })).toThrow(InvalidOptionError);
    expect(() => createClassifier(f, { bounds: [0, Number.NaN] })).toThrow(/min < max/);
    expect(() => createClassifier(42 as never)).toThrow(InvalidOptionError);
    expect(() => createClassifier(f, { preprocess: [1 as never] })).toThrow(InvalidOptionError);
    expect(() => scaleShift(Number.POSITIVE_INFINITY, 0)).toThrow(InvalidOptionError);
  });
});
