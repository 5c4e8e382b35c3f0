import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import { featureModel } from './feature-model';
import { RESNET_TAPS, type ResNetOptions, resnet18, resnet34 } from './resnet';

let start = 0;
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

function sizeOf(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((a, b) => a * (b ?? 0), 1);
}

function counts(model: tfl.LayersModel) {
  const sum = (ws: tfl.LayerVariable[]) => ws.reduce((a, w) => a + sizeOf(w.shape), 0);
  return { trainable: sum(model.trainableWeights), nonTrainable: sum(model.nonTrainableWeights) };
}

/**
 * Parameter count of the PyTorch reference, by hand from the architecture: convolutions have no bias,
 * each BN has γ and β (trainable) plus running mean and variance (buffers), the linear layer has
 * weight and bias. Stage s has width·2^s channels; the first block of stages 2–4 has stride 2 and a
 * 1×1 conv + BN shortcut.
 */
function referenceCount(blocks: number[], channels: number, classes: number, width: number) {
  let params = 7 * 7 * channels * width;
  let bnChannels = width;
  let inC = width;
  blocks.forEach((count, s) => {
    const c = width * 2 ** s;
    for (let b = 0; b < count; b++) {
      params += 3 * 3 * inC * c + 3 * 3 * c * c;
      bnChannels += 2 * c;
      if (inC !== c) {
        params += inC * c;
        bnChannels += c;
      }
      inC = c;
    }
  });
  params += 2 * bnChannels + inC * classes + classes;
  return { trainable: params, nonTrainable: 2 * bnChannels };
}

function withModel<T>(options: ResNetOptions, depth: 18 | 34, body: (m: tfl.LayersModel) => T): T {
  const model = depth === 18 ? resnet18(options) : resnet34(options);
  try {
    return body(model);
  } finally {
    model.dispose();
  }
}

describe('resnet18 / resnet34 shapes', () => {
  const cases: Array<[number, number, number]> = [
    [28, 28, 1],
    [32, 32, 1],
    [32, 32, 3],
    [36, 64, 1],
  ];
  // Output sizes of the stages: PyTorch floor((n + 2·1 − 3)/2) + 1 = ceil(n/2) per stride-2 stage.
  const half = (n: number) => Math.ceil(n / 2);
  for (const [h, w, c] of cases) {
    it(`${h}×${w}×${c}: logits [N, classes] and taps at the reference resolutions`, () => {
      withModel({ inputShape: [h, w, c], classes: 10, width: 4, seed: 3 }, 18, (model) => {
        expect(model.inputs[0].shape).toEqual([null, h, w, c]);
        expect(model.outputs[0].shape).toEqual([null, 10]);
        const x = tf.randomUniform([2, h, w, c], -2.5, 2.5, 'float32', 7);
        const logits = model.predict(x) as tf.Tensor;
        expect(logits.shape).toEqual([2, 10]);
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
        const features = featureModel(model);
        const outs = features.predict(x) as tf.Tensor[];
        const h2 = half(h);
        const h3 = half(h2);
        const h4 = half(h3);
        const w2 = half(w);
        const w3 = half(w2);
        const w4 = half(w3);
        expect(outs.map((o) => o.shape)).toEqual([
          [2, h, w, 4],
          [2, h, w, 4],
          [2, h2, w2, 8],
          [2, h3, w3, 16],
          [2, h4, w4, 32],
          [2, 10],
        ]);
        expect(outs[5].arraySync()).toEqual(logits.arraySync());
        tf.dispose([x, logits, ...outs]);
        features.dispose();
      });
    });
  }

  it('resnet34 and the imagenet variant: 36×64 → [2, 3]; imagenet taps at /2 and /4', () => {
    withModel({ inputShape: [36, 64, 1], classes: 3, width: 2, variant: 'imagenet' }, 34, (model) => {
      const x = tf.zeros([2, 36, 64, 1]);
      const features = featureModel(model);
      const outs = features.predict(x) as tf.Tensor[];
      // stem: 7×7/2 pad 3 → 18×32; max-pool 3×3/2 pad 1 → 9×16; stages: 9×16, 5×8, 3×4, 2×2.
      expect(outs.map((o) => o.shape)).toEqual([
        [2, 18, 32, 2],
        [2, 9, 16, 2],
        [2, 5, 8, 4],
        [2, 3, 4, 8],
        [2, 2, 2, 16],
        [2, 3],
      ]);
      tf.dispose([x, ...outs]);
      features.dispose();
    });
  });

  it('has the stable tap names as layers', () => {
    withModel({ inputShape: [8, 8, 1], classes: 2, width: 1 }, 18, (model) => {
      for (const tap of RESNET_TAPS) expect(model.getLayer(tap).name).toBe(tap);
      expect(model.getLayer('logits').getClassName()).toBe('Dense');
      expect(model.layers.some((l) => l.getClassName() === 'MaxPooling2D')).toBe(false);
    });
  });
});

describe('parameter counts equal the PyTorch reference', () => {
  it('ResNet18 w=64 grey 10 classes: 11,175,370 trainable (+9,600 BN running statistics)', () => {
    const expected = referenceCount([2, 2, 2, 2], 1, 10, 64);
    expect(expected).toEqual({ trainable: 11_175_370, nonTrainable: 9_600 });
    withModel({ inputShape: [32, 32, 1], classes: 10 }, 18, (m) => expect(counts(m)).toEqual(expected));
  });

  it('ResNet18 w=64 RGB 10 classes and 100 classes', () => {
    withModel({ inputShape: [32, 32, 3], classes: 10 }, 18, (m) =>
      expect(counts(m)).toEqual(referenceCount([2, 2, 2, 2], 3, 10, 64)),
    );
    expect(referenceCount([2, 2, 2, 2], 3, 10, 64).trainable).toBe(11_181_642);
    withModel({ inputShape: [32, 32, 3], classes: 100 }, 18, (m) =>
      expect(counts(m).trainable).toBe(referenceCount([2, 2, 2, 2], 3, 100, 64).trainable),
    );
  });

  it('ResNet34 w=64 grey and RGB', () => {
    const grey = referenceCount([3, 4, 6, 3], 1, 10, 64);
    expect(grey).toEqual({ trainable: 21_283_530, nonTrainable: 17_024 });
    withModel({ inputShape: [32, 32, 1], classes: 10 }, 34, (m) => expect(counts(m)).toEqual(grey));
    withModel({ inputShape: [32, 32, 3], classes: 10 }, 34, (m) =>
      expect(counts(m)).toEqual(referenceCount([3, 4, 6, 3], 3, 10, 64)),
    );
  });

  it('imagenet variant, RGB, 1000 classes = torchvision resnet18 / resnet34 (11,689,512 / 21,797,672)', () => {
    const options = { inputShape: [64, 64, 3], classes: 1000, variant: 'imagenet' } as const;
    withModel(options, 18, (m) => expect(counts(m).trainable).toBe(11_689_512));
    withModel(options, 34, (m) => expect(counts(m).trainable).toBe(21_797_672));
    expect(referenceCount([2, 2, 2, 2], 3, 1000, 64).trainable).toBe(11_689_512);
  });

  it('small widths scale as expected (w = 8)', () => {
    withModel({ inputShape: [28, 28, 1], classes: 10, width: 8 }, 18, (m) =>
      expect(counts(m)).toEqual(referenceCount([2, 2, 2, 2], 1, 10, 8)),
    );
  });
});

describe('padding matches PyTorch (symmetric at stride 2)', () => {
  /** Number of in-range rows of a k-tap window centred (PyTorch, pad ⌊k/2⌋) at stride s. */
  function pytorchCoverage(n: number, k: number, s: number): number[] {
    const p = Math.floor(k / 2);
    const out: number[] = [];
    for (let start = -p; start + k <= n + p; start += s) {
      out.push(Math.min(n - 1, start + k - 1) - Math.max(0, start) + 1);
    }
    return out;
  }

  it('imagenet stem: 7×7 stride 2 padding 3 on 8×8 ones gives the PyTorch window sums', () => {
    withModel({ inputShape: [8, 8, 1], classes: 2, width: 1, variant: 'imagenet' }, 18, (model) => {
      const conv = model.getLayer('stem_conv');
      const ones = tf.ones([7, 7, 1, 1]);
      conv.setWeights([ones]);
      const features = featureModel(model, ['stem', 'stem_pool']);
      const x = tf.ones([1, 8, 8, 1]);
      const [stem, pool, logits] = features.predict(x) as tf.Tensor[];
      const rows = pytorchCoverage(8, 7, 2);
      expect(rows).toEqual([4, 6, 7, 5]); // tf 'same' would give [5, 7, 6, 4]
      const scale = 1 / Math.sqrt(1 + 1e-5); // BN in inference mode: (x − 0)/√(1 + ε)
      const expected = rows.flatMap((r) => rows.map((c) => r * c * scale));
      const got = Array.from(stem.dataSync());
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(expected[i], 3);
      });
      // max-pool 3×3/2 pad 1 over the 4×4 map: windows rows {0,1}, {1,2,3}.
      const pooled = Array.from(pool.dataSync());
      const e = (r0: number[], c0: number[]) =>
        Math.max(...r0.flatMap((r) => c0.map((c) => rows[r] * rows[c])));
      const win = [
        [0, 1],
        [1, 2, 3],
      ];
      const expectedPool = win.flatMap((r) => win.map((c) => e(r, c) * scale));
      pooled.forEach((v, i) => {
        expect(v).toBeCloseTo(expectedPool[i], 3);
      });
      tf.dispose([ones, x, stem, pool, logits]);
      features.dispose();
    });
  });

  it('stride-2 block convolutions pad 1 on every side', () => {
    withModel({ inputShape: [8, 8, 1], classes: 2, width: 2, seed: 1 }, 18, (model) => {
      const features = featureModel(model, ['stage1', 'stage2_block1_conv1', 'stage2_block1_shortcut_conv']);
      const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 2);
      const [s1, conv, shortcut, logits] = features.predict(x) as tf.Tensor[];
      expect(conv.shape).toEqual([1, 4, 4, 4]);
      tf.tidy(() => {
        const kernel = model.getLayer('stage2_block1_conv1').getWeights()[0];
        const k1 = model.getLayer('stage2_block1_shortcut_conv').getWeights()[0];
        const manual = tf.conv2d(
          tf.pad(s1 as tf.Tensor4D, [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ]),
          kernel as tf.Tensor4D,
          2,
          'valid',
        );
        const manualShortcut = tf.conv2d(s1 as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'valid');
        expect(tf.max(tf.abs(tf.sub(conv, manual))).dataSync()[0]).toBeLessThan(1e-5);
        expect(tf.max(tf.abs(tf.sub(shortcut, manualShortcut))).dataSync()[0]).toBeLessThan(1e-5);
      });
      tf.dispose([x, s1, conv, shortcut, logits]);
      features.dispose();
    });
  });
});

describe('PyTorch-default initialisation', () => {
  it('kaiming-uniform(a = √5) kernels, uniform dense bias, BN γ = 1, β = 0, momentum 0.9, ε = 1e-5', () => {
    withModel({ inputShape: [32, 32, 1], classes: 10, width: 16, seed: 11 }, 18, (model) => {
      const check = (layer: string, fanIn: number, weight = 0) => {
        const values = model.getLayer(layer).getWeights()[weight].dataSync();
        const bound = 1 / Math.sqrt(fanIn);
        let max = 0;
        let sq = 0;
        for (const v of values) {
          max = Math.max(max, Math.abs(v));
          sq += v * v;
        }
        expect(max).toBeLessThanOrEqual(bound);
        expect(max).toBeGreaterThan(0.95 * bound);
        // U(−b, b) has standard deviation b/√3.
        expect(Math.sqrt(sq / values.length)).toBeCloseTo(bound / Math.sqrt(3), 2);
      };
      check('stem_conv', 7 * 7 * 1);
      check('stage3_block1_conv1', 3 * 3 * 32);
      check('stage4_block2_conv2', 3 * 3 * 128);
      check('logits', 128);
      check('logits', 128, 1);
      const bn = model.getLayer('stage2_block1_bn1');
      const [gamma, beta, mean, variance] = bn.getWeights();
      expect(Array.from(gamma.dataSync()).every((v) => v === 1)).toBe(true);
      expect(Array.from(beta.dataSync()).every((v) => v === 0)).toBe(true);
      expect(Array.from(mean.dataSync()).every((v) => v === 0)).toBe(true);
      expect(Array.from(variance.dataSync()).every((v) => v === 1)).toBe(true);
      const config = bn.getConfig();
      expect(config.momentum).toBe(0.9);
      expect(config.epsilon).toBe(1e-5);
      expect(model.getLayer('stem_conv').getConfig().useBias).toBe(false);
    });
  });

  it('is deterministic in the seed', () => {
    const stem = (seed: number) =>
      withModel({ inputShape: [8, 8, 1], classes: 2, width: 2, seed }, 18, (m) =>
        Array.from(m.getLayer('stage2_block1_conv1').getWeights()[0].dataSync()),
      );
    expect(stem(5)).toEqual(stem(5));
    expect(stem(5)).not.toEqual(stem(6));
  });
});

describe('option validation', () => {
  const base: ResNetOptions = { inputShape: [8, 8, 1], classes: 2, width: 1 };
  const bad: Array<[string, Partial<ResNetOptions> | Record<string, unknown>, RegExp]> = [
    ['2-D inputShape', { inputShape: [8, 8] }, /inputShape must be \[H, W, C\]/],
    ['zero height', { inputShape: [0, 8, 1] }, /positive integers/],
    ['fractional classes', { classes: 2.5 }, /classes must be a positive integer/],
    ['zero width', { width: 0 }, /width must be a positive integer/],
    ['unknown variant', { variant: 'mobile' }, /unknown variant 'mobile'.*'cifar', 'imagenet'/],
    ['negative seed', { seed: -1 }, /seed must be an integer/],
    ['NaN seed', { seed: Number.NaN }, /seed must be an integer/],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects ${what} with InvalidOptionError`, () => {
      const call = () => resnet18({ ...base, ...patch } as ResNetOptions);
      expect(call).toThrow(InvalidOptionError);
      expect(call).toThrow(message);
    });
  }
});
