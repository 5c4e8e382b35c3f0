import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  NonFiniteValueError,
  PixelRangeError,
  RegularizerError,
  ShapeMismatchError,
} from './errors';
import { type ImageSet, ImageStore, scaleInputs } from './image-set';

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

  it('refuses 0..255 floats (and other values outside [0, 1]) with PixelRangeError, never clamping', () => {
    const shape = [1, 1, 2, 1];
    const start = tf.memory().numTensors;
    const bad: [ImageSet, RegExp][] = [
      [{ images: Float32Array.from([0, 255]), shape }, /span \[0, 255\].*divide them by 255/],
      [{ images: Float64Array.from([0.5, 1.01]), shape }, /outside \[0, 1\]/],
      [{ images: Float32Array.from([-0.5, 0.5]), shape }, /outside \[0, 1\]/],
      [{ images: tf.tensor4d([3, 200], [1, 1, 2, 1]) }, /divide them by 255/],
      // Already-scaled model inputs (CIFAR's 5·(x − 0.5)) are not pixels: the trainer scales itself.
      [{ images: tf.tensor4d([-2.5, 2.5], [1, 1, 2, 1]) }, /do not pass already-scaled inputs/],
      [{ images: tf.tensor4d([0, 300], [1, 1, 2, 1], 'int32') }, /outside \[0, 255\]/],
    ];
    for (const [set, message] of bad) {
      let error: unknown;
      try {
        new ImageStore(set, 'train');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PixelRangeError);
      expect(RegularizerError.is(error) && error.code).toBe('PIXEL_RANGE');
      expect(String((error as Error).message)).toMatch(message);
      expect((error as PixelRangeError).argument).toBe('train.images');
      if (set.images instanceof tf.Tensor) set.images.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
    // Values within the tolerance, and the exact ends, pass; so do int32 pixels.
    const edge = tf.tensor4d([0, 1, 1.0005, -0.0005], [1, 2, 2, 1]);
    expect(new ImageStore({ images: edge }).n).toBe(1);
    expect(new ImageStore({ images: Float32Array.from([0, 1]), shape }).n).toBe(1);
    const nan = tf.tensor4d([0, Number.NaN], [1, 1, 2, 1]);
    expect(() => new ImageStore({ images: nan })).toThrow(NonFiniteValueError);
    const bool = tf.tensor4d([1, 0], [1, 1, 2, 1], 'bool');
    expect(() => new ImageStore({ images: bool })).toThrow(/cast it with tf.cast/);
    tf.dispose([edge, nan, bool]);
    expect(tf.memory().numTensors).toBe(start);
  });
});
