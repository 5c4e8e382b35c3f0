import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsupportedModelError } from './errors';
import { combineSeeds, hashString } from '@pixsim/core';
import { initializeLikePyTorch, uniformArray } from './init';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

/** A user's own CNN with named layers of every supported kind. */
function userCnn(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 3], filters: 4, kernelSize: 3, name: 'conv' }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'depthwise' }),
      tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, depthMultiplier: 1, name: 'separable' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.layerNormalization({ name: 'ln' }),
      tfl.layers.dense({ units: 5, name: 'logits' }),
    ],
  });
}

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** Largest |value| of `layer`'s weight `k`, and its RMS. */
function spread(m: tfl.LayersModel, layer: string, k: number): { max: number; rms: number } {
  const v = m.getLayer(layer).getWeights()[k].dataSync();
  let max = 0;
  let sq = 0;
  for (const x of v) {
    max = Math.max(max, Math.abs(x));
    sq += x * x;
  }
  return { max, rms: Math.sqrt(sq / v.length) };
}

describe('uniformArray (the draws of every initial weight)', () => {
  it('draws exactly the values it drew before the generator moved into @pixsim/core (#27)', () => {
    // Recorded at 78718db from the former models/src/prng.ts: trained weights depend on these numbers.
    expect(Array.from(uniformArray(16, 0.25, 0).subarray(0, 4))).toEqual([
      -0.11678539216518402, -0.24983513355255127, -0.13836398720741272, -0.17689892649650574,
    ]);
    expect(hashString('stem_conv/kernel')).toBe(2890790445);
    expect(combineSeeds(42, 2890790445)).toBe(3530495723);
    const stream = combineSeeds(42, hashString('dense/kernel'));
    expect(stream).toBe(3982535166);
    expect(Array.from(uniformArray(1000, 1, stream).subarray(0, 4))).toEqual([
      0.7005971074104309, -0.1550734043121338, 0.333741694688797, -0.13966241478919983,
    ]);
  });
});

describe('initializeLikePyTorch on a model the user built', () => {
  it('gives the same weights for the same seed and names, other weights for another seed', () => {
    const a = userCnn();
    const b = userCnn();
    initializeLikePyTorch(a, 7);
    initializeLikePyTorch(b, 7);
    expect(weightsOf(a)).toEqual(weightsOf(b));
    initializeLikePyTorch(b, 8);
    expect(weightsOf(a)).not.toEqual(weightsOf(b));
    a.dispose();
    b.dispose();
  });

  it("uses PyTorch's fan_in per layer kind: depthwise kh·kw, separable pointwise C_in·multiplier", () => {
    const m = userCnn();
    initializeLikePyTorch(m, 3);
    const within = (layer: string, k: number, fanIn: number) => {
      const bound = 1 / Math.sqrt(fanIn);
      const { max } = spread(m, layer, k);
      expect(max, `${layer}[${k}]`).toBeLessThanOrEqual(bound);
      expect(max, `${layer}[${k}]`).toBeGreaterThan(0.7 * bound);
    };
    within('conv', 0, 3 * 3 * 3);
    within('conv', 1, 3 * 3 * 3); // bias
    within('depthwise', 0, 3 * 3); // [3, 3, 4, 2]
    within('depthwise', 1, 3 * 3);
    within('separable', 0, 3 * 3); // depthwise part [3, 3, 8, 1]
    within('separable', 1, 8); // pointwise [1, 1, 8, 6]
    within('separable', 2, 8);
    const [gamma, beta] = m.getLayer('ln').getWeights();
    expect(Array.from(gamma.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(beta.dataSync()).every((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('refuses a layer it has no rule for before changing any weight', () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 3, name: 'd1' }),
        tfl.layers.prelu({ name: 'act' }),
      ],
    });
    const before = weightsOf(m);
    expect(() => initializeLikePyTorch(m, 1)).toThrow(UnsupportedModelError);
    expect(() => initializeLikePyTorch(m, 1)).toThrow(/'act' is a PReLU/);
    expect(weightsOf(m)).toEqual(before);
    m.dispose();
  });
});
