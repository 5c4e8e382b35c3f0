import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, NonFiniteValueError, ShapeMismatchError } from './errors';
import { ImageStore, scaleInputs } from './image-set';

describe('ImageStore (the data interface)', () => {
  it('gathers uint8, float and tensor images as float32 [0, 1] batches', () => {
    const bytes = Uint8Array.from([0, 255, 51, 102, 10, 20, 30, 40]);
    const fromBytes = new ImageStore({ images: bytes, shape: [2, 2, 2, 1], labels: [3, 1] });
    const floats = new ImageStore({ images: Float32Array.from(bytes, (v) => v / 255), shape: [2, 2, 2, 1] });
    const tensor = tf.tensor4d(Array.from(bytes), [2, 2, 2, 1], 'int32');
    const fromTensor = new ImageStore({ images: tensor });
    const start = tf.memory().numTensors;
    for (const store of [fromBytes, floats, fromTensor]) {
      const batch = store.gather([1, 0]);
      expect(batch.shape).toEqual([2, 2, 2, 1]);
      const v = batch.dataSync();
      expect(v[0]).toBeCloseTo(10 / 255, 6);
      expect(v[5]).toBeCloseTo(1, 6);
      batch.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
    expect(Array.from(fromBytes.labelsOf([1, 0]))).toEqual([1, 3]);
    tensor.dispose();
    const scaled = tf.tidy(() => scaleInputs(tf.tensor4d([0, 1], [1, 1, 2, 1])).dataSync());
    expect(Array.from(scaled)).toEqual([-2.5, 2.5]);
  });

  it('rejects bad data with typed errors', () => {
    expect(() => new ImageStore({ images: new Uint8Array(7), shape: [2, 2, 2, 1] })).toThrow(
      ShapeMismatchError,
    );
    expect(() => new ImageStore({ images: new Uint8Array(8) })).toThrow(/shape must be \[N, H, W, C\]/);
    expect(() => new ImageStore({ images: Float32Array.from([0, Number.NaN]), shape: [1, 1, 2, 1] })).toThrow(
      NonFiniteValueError,
    );
    expect(() => new ImageStore({ images: new Uint8Array(8), shape: [2, 2, 2, 1], labels: [1] })).toThrow(
      /one label per image/,
    );
    expect(
      () => new ImageStore({ images: new Uint8Array(8), shape: [2, 2, 2, 1], labels: [1, 0.5] }),
    ).toThrow(InvalidOptionError);
    expect(() => new ImageStore({ images: [1, 2] as unknown as Uint8Array, shape: [1, 1, 2, 1] })).toThrow(
      InvalidOptionError,
    );
    const store = new ImageStore({ images: new Uint8Array(8), shape: [2, 2, 2, 1] });
    expect(() => store.gather([2])).toThrow(/outside \[0, 2\)/);
    expect(() => store.labelsOf([0])).toThrow(/no labels/);
  });
});
