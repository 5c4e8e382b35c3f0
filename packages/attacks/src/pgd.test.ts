import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs gradients (tfjs-core alone has none), as any tfjs-layers program does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './classifier';
import { InvalidEpsilonError, InvalidOptionError } from './errors';
import { pgd } from './pgd';
import { linearModel, uniformImages } from './test-helpers';

// For a 2-class linear softmax model the loss gradient is p_o·(w_o − w_y): its direction is constant,
// so the loss-maximising point of the ε-ball is x + ε·sign(w_o − w_y) (L∞) or x + ε·u, u = (w_o − w_y)/‖·‖ (L2).
function direction(m: ReturnType<typeof linearModel>, y: number): Float64Array {
  const o = 1 - y;
  return new Float64Array(m.d).map((_, i) => m.w[i * 2 + o] - m.w[i * 2 + y]);
}

describe('pgd', () => {
  const m = linearModel(12, 2, 21);
  const clf = createClassifier(m.logits);
  const labels = [0, 1, 1, 0, 1];

  it('L∞ reaches the analytic corner x + ε·sign(w_o − w_y), with and without random start', () => {
    const start = tf.memory().numTensors;
    const x = uniformImages([5, 2, 2, 3], 0.3, 0.7, 22);
    const eps = 0.1;
    for (const opts of [{ randomStart: false }, { seed: 4, steps: 100 }]) {
      const adv = pgd(clf, x, labels, eps, opts);
      const xv = x.dataSync();
      const av = adv.dataSync();
      for (let n = 0; n < 5; n++) {
        const u = direction(m, labels[n]);
        for (let i = 0; i < 12; i++)
          expect(av[n * 12 + i]).toBeCloseTo(xv[n * 12 + i] + eps * Math.sign(u[i]), 5);
      }
      adv.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('L2 reaches x + ε·(w_o − w_y)/‖w_o − w_y‖', () => {
    const x = uniformImages([5, 2, 2, 3], 0.3, 0.7, 23);
    const eps = 0.2;
    for (const opts of [{ randomStart: false }, { seed: 5, steps: 300 }]) {
      const adv = pgd(clf, x, labels, eps, { norm: 'l2', ...opts });
      const xv = x.dataSync();
      const av = adv.dataSync();
      for (let n = 0; n < 5; n++) {
        const u = direction(m, labels[n]);
        const norm = Math.hypot(...u);
        for (let i = 0; i < 12; i++)
          expect(av[n * 12 + i]).toBeCloseTo(xv[n * 12 + i] + (eps * u[i]) / norm, 3);
      }
      adv.dispose();
    }
    x.dispose();
  });

  it('ε = 0 returns the clean images; bad options throw typed errors', () => {
    const x = uniformImages([5, 2, 2, 3], 0.3, 0.7, 24);
    const same = pgd(clf, x, labels, 0, { seed: 1 });
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => pgd(clf, x, labels, -1, { seed: 1 })).toThrow(InvalidEpsilonError);
    expect(() => pgd(clf, x, labels, 0.1)).toThrow(/seed/);
    expect(() => pgd(clf, x, labels, 0.1, { seed: 1, norm: 'l1' as 'l2' })).toThrow(InvalidOptionError);
    expect(() => pgd(clf, x, labels, 0.1, { seed: 1, steps: 0 })).toThrow(InvalidOptionError);
    tf.dispose([x, same]);
  });
});
