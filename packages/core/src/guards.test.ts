import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { describeValue, isNumberList, isOptionsObject, isPlainObject, isTensor, modelFault } from './guards';

describe('describeValue', () => {
  it('names each kind of value without throwing', () => {
    const t = tf.zeros([2, 3]);
    const gone = tf.zeros([1]);
    gone.dispose();
    expect(describeValue(t)).toBe('a tensor of shape [2, 3]');
    expect(describeValue(gone)).toBe('a tensor of shape [1] (disposed)');
    t.dispose();
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(0.1)).toBe('0.1');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(true)).toBe('true');
    expect(describeValue('0.1')).toBe("'0.1'");
    expect(describeValue('x'.repeat(50))).toBe(`'${'x'.repeat(40)}'`);
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue(new Float32Array(2))).toBe('a Float32Array');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue(new Map())).toBe('a Map object');
    expect(describeValue(Promise.resolve())).toBe('a Promise object');
  });
});

describe('the predicates', () => {
  it('isTensor takes tensors, also structurally', () => {
    const t = tf.scalar(1);
    expect(isTensor(t)).toBe(true);
    t.dispose();
    expect(isTensor({ shape: [1], rank: 1, dataSync: () => [0] })).toBe(true);
    expect(isTensor({ shape: [1] })).toBe(false);
    expect(isTensor(null)).toBe(false);
  });

  it('isPlainObject, isOptionsObject and isNumberList', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(new Map())).toBe(false);
    expect(isPlainObject([])).toBe(false);
    expect(isOptionsObject(new Map())).toBe(true);
    expect(isOptionsObject([])).toBe(false);
    expect(isOptionsObject(null)).toBe(false);
    expect(isNumberList([1])).toBe(true);
    expect(isNumberList(new Int32Array(1))).toBe(true);
    expect(isNumberList(new DataView(new ArrayBuffer(1)))).toBe(false);
    expect(isNumberList('12')).toBe(false);
  });
});

describe('modelFault', () => {
  const weight = (disposed: boolean) => ({ read: () => ({ isDisposed: disposed }) });
  const model = (extra: object = {}) => ({
    apply: () => 0,
    inputs: [],
    outputs: [],
    layers: [],
    weights: [],
    ...extra,
  });

  it('passes a live model, and says what is wrong with anything else', () => {
    expect(modelFault(model({ weights: [weight(false)] }))).toBeUndefined();
    expect(modelFault(null)).toBe('not-a-model');
    expect(modelFault({ inputs: [], outputs: [], layers: [] })).toBe('not-a-model');
    expect(modelFault(model({ layers: undefined }))).toBe('not-a-model');
    expect(modelFault(model({ _refCount: 0 }))).toBe('disposed');
    expect(modelFault(model({ weights: [weight(false), weight(true)] }))).toBe('disposed');
    expect(
      modelFault(
        model({
          weights: [
            {
              read: () => {
                throw new Error('disposed variable');
              },
            },
          ],
        }),
      ),
    ).toBe('disposed');
  });
});
