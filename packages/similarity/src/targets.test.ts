import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, InvalidRankError, ShapeMismatchError } from './errors';
import { categoricalTargets, thresholdTargets } from './targets';

describe('thresholdTargets (eq. 3, S^Th)', () => {
  it('maps S > Th to +1, S < −Th to −1, the rest to 0, with an identity diagonal', () => {
    const start = tf.memory().numTensors;
    const s = tf.tensor2d([
      [1, 0.5, -0.5, 0.2],
      [0.5, 1, 0.3, -0.31],
      [-0.5, 0.3, 1, 0.0],
      [0.2, -0.31, 0.0, 1],
    ]);
    const t = thresholdTargets(s, 0.3);
    expect(t.arraySync()).toEqual([
      [1, 1, -1, 0],
      [1, 1, 0, -1],
      [-1, 0, 1, 0],
      [0, -1, 0, 1],
    ]);
    // The diagonal stays 1 even when S_ii is below Th (identity start).
    const lowS = tf.tensor2d([
      [0.1, 0.9],
      [0.9, 0.1],
    ]);
    const low = thresholdTargets(lowS, 0.5);
    expect(low.arraySync()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    tf.dispose([s, t, lowS, low]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects th outside (0, 1), non-square and wrong-rank input', () => {
    const s = tf.eye(3) as tf.Tensor2D;
    expect(() => thresholdTargets(s, 0)).toThrow(InvalidOptionError);
    expect(() => thresholdTargets(s, 1)).toThrow(InvalidOptionError);
    expect(() => thresholdTargets(s, Number.NaN)).toThrow(/open interval/);
    expect(() => thresholdTargets(tf.zeros([2, 3]) as tf.Tensor2D, 0.5)).toThrow(ShapeMismatchError);
    expect(() => thresholdTargets(tf.zeros([2]) as unknown as tf.Tensor2D, 0.5)).toThrow(InvalidRankError);
    s.dispose();
  });
});

describe('categoricalTargets', () => {
  it('is 1 where labels match and 0 elsewhere', () => {
    const t = categoricalTargets([0, 1, 0]);
    expect(t.arraySync()).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    t.dispose();
  });
});
