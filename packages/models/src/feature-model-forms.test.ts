import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ModelError } from './errors';
import { featureModel } from './feature-model';

describe('featureModel on other model forms', () => {
  it('taps a tf.sequential model (sharing its weights) and refuses a disposed one with a typed error', () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, name: 'seq_c' }),
        tfl.layers.globalAveragePooling2d({ name: 'seq_p' }),
        tfl.layers.dense({ units: 2, name: 'seq_d' }),
      ],
    });
    const f = featureModel(m, ['seq_c']);
    const x = tf.ones([1, 4, 4, 1]);
    const [tap, logits] = f.predict(x) as tf.Tensor[];
    const direct = m.predict(x) as tf.Tensor;
    expect(tap.shape).toEqual([1, 2, 2, 2]);
    const flat = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 2 })],
    });
    expect(() => featureModel(flat, [flat.layers[0].name])).toThrow(/global pooling/);
    flat.dispose();
    expect(Array.from(logits.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([x, tap, logits, direct]);
    f.dispose();
    m.dispose();
    // (tfjs-layers keeps the 4 weights of a tf.sequential alive once its inner graph has been re-applied,
    // even after both models are disposed: not checked here.)
    const error = (() => {
      try {
        featureModel(m, ['seq_c']);
      } catch (e) {
        return e;
      }
    })();
    expect(ModelError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/disposed/);
  });
});
