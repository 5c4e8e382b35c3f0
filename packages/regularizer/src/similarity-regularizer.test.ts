import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { featureModel, RESNET_TAPS, resnet18 } from '@pixsim/models';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, StateMismatchError, UnknownLayerError } from './errors';
import { SimilarityRegularizer } from './similarity-regularizer';

/** conv 1x1 (2 filters, fixed weights) → relu → flatten → dense 3; taps 'conv' and 'relu'. */
function fixedNetwork(): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 1] });
  const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'conv' });
  const c = conv.apply(input) as tfl.SymbolicTensor;
  const r = tfl.layers.activation({ activation: 'relu', name: 'relu' }).apply(c) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(r) as tfl.SymbolicTensor;
  const d = tfl.layers.dense({ units: 3 }).apply(f) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: d });
  conv.setWeights([tf.tensor4d([1, -0.5], [1, 1, 1, 2]), tf.tensor1d([0.1, -0.2])]);
  return model;
}

const KERNEL = [1, -0.5];
const BIAS = [0.1, -0.2];
const EPS = 1e-5;

/** The features of one 2x2 grey image by hand: conv [h·w·c] and relu. */
function handFeatures(img: number[]): { conv: number[]; relu: number[] } {
  const conv: number[] = [];
  for (const x of img) for (let c = 0; c < 2; c++) conv.push(x * KERNEL[c] + BIAS[c]);
  return { conv, relu: conv.map((v) => Math.max(v, 0)) };
}

/** Per-channel mean over batch and space of flattened [h·w·c] maps. */
function channelMean(maps: number[][]): number[] {
  const mean = [0, 0];
  for (const m of maps)
    for (let v = 0; v < m.length; v++) mean[v % 2] += m[v] / (maps.length * (m.length / 2));
  return mean;
}

function cosine(x: number[], y: number[]): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let v = 0; v < x.length; v++) {
    xy += x[v] * y[v];
    xx += x[v] * x[v];
    yy += y[v] * y[v];
  }
  return xy / Math.sqrt(xx * yy);
}

const logRatio = (x: number) => Math.log(1 + x + EPS) - Math.log(1 - x + EPS);

/** L_sim by hand for pairs (a_p, b_p); updates `running` (per tap, per channel) in place first. */
function handLoss(
  a: number[][],
  b: number[][],
  targets: number[],
  running: { conv: number[]; relu: number[] },
  w: number[],
) {
  const fa = a.map(handFeatures);
  const fb = b.map(handFeatures);
  const all = [...fa, ...fb];
  const pi = [Math.exp(w[0]), Math.exp(w[1])];
  const z = pi[0] + pi[1];
  pi[0] /= z;
  pi[1] /= z;
  const sims = a.map(() => 0);
  (['conv', 'relu'] as const).forEach((tap, t) => {
    const bm = channelMean(all.map((f) => f[tap]));
    running[tap] = running[tap].map((m, c) => 0.9 * m + 0.1 * bm[c]);
    const centre = (m: number[]) => m.map((v, i) => v - running[tap][i % 2]);
    a.forEach((_, p) => {
      sims[p] += pi[t] * cosine(centre(fa[p][tap]), centre(fb[p][tap]));
    });
  });
  let reference = 0;
  let mse = 0;
  sims.forEach((s, p) => {
    reference += (logRatio(s) - logRatio(targets[p])) ** 2 / sims.length;
    mse += (s - targets[p]) ** 2 / sims.length;
  });
  return { sims, reference, mse };
}

const images = (rows: number[][]) => tf.tensor4d(rows.flat(), [rows.length, 2, 2, 1]);

describe('SimilarityRegularizer', () => {
  it('computes L_sim by hand: running means updated before use, cosine, softmax(w), atanh loss', () => {
    const model = fixedNetwork();
    const reg = new SimilarityRegularizer({ model, taps: ['conv', 'relu'] });
    const w = [0.3, -0.4];
    const state = reg.getState();
    state['similarity_regularizer/tap_logits'].dispose();
    state['similarity_regularizer/tap_logits'] = tf.tensor1d(w);
    reg.setState(state);
    tf.dispose(Object.values(state));

    const batches = [
      {
        a: [
          [0.2, 0.9, -0.3, 0.5],
          [1.0, -0.7, 0.4, 0.1],
        ],
        b: [
          [0.6, -0.2, 0.8, 0.3],
          [-0.5, 0.4, 0.2, 0.9],
        ],
        y: [0, -0.5],
      },
      {
        a: [
          [0.1, 0.4, 0.7, -0.9],
          [0.3, 0.3, -0.6, 0.2],
        ],
        b: [
          [-0.8, 0.5, 0.1, 0.6],
          [0.9, -0.1, 0.2, 0.4],
        ],
        y: [0.5, 0.25],
      },
    ];
    const running = { conv: [0, 0], relu: [0, 0] };
    const start = tf.memory().numTensors;
    for (const batch of batches) {
      const expected = handLoss(batch.a, batch.b, batch.y, running, w);
      const a = images(batch.a);
      const b = images(batch.b);
      // Same batch through the loss and through the similarities (the latter without updating again).
      const loss = reg.lossOf(a, b, batch.y);
      const sims = reg.pairSimilarities(a, b, { updateRunningMeans: false });
      expect(loss.dataSync()[0]).toBeCloseTo(expected.reference, 5);
      expect(Math.abs(loss.dataSync()[0] - expected.reference)).toBeLessThan(1e-5);
      Array.from(sims.dataSync()).forEach((s, p) => {
        expect(Math.abs(s - expected.sims[p])).toBeLessThan(1e-5);
      });
      const means = reg.runningMeanValues();
      Array.from(means[0].dataSync()).forEach((m, c) => {
        expect(Math.abs(m - running.conv[c])).toBeLessThan(1e-6);
      });
      Array.from(means[1].dataSync()).forEach((m, c) => {
        expect(Math.abs(m - running.relu[c])).toBeLessThan(1e-6);
      });
      tf.dispose([loss, sims, a, b, ...means]);
    }
    expect(tf.memory().numTensors).toBe(start);
    reg.dispose();
  });

  it("supports the 'half' and 'mse' losses and fixed tap weights", () => {
    const model = fixedNetwork();
    const batch = { a: [[0.2, 0.9, -0.3, 0.5]], b: [[0.6, -0.2, 0.8, 0.3]], y: [-0.25] };
    const byKind = (loss: 'reference' | 'half' | 'mse', tapWeights: 'uniform' | number[] = 'uniform') => {
      const reg = new SimilarityRegularizer({ model, taps: ['conv', 'relu'], loss, tapWeights });
      const value = tf.tidy(() => reg.lossOf(images(batch.a), images(batch.b), batch.y).dataSync()[0]);
      reg.dispose();
      return value;
    };
    const uniform = handLoss(batch.a, batch.b, batch.y, { conv: [0, 0], relu: [0, 0] }, [0, 0]);
    expect(Math.abs(byKind('reference') - uniform.reference)).toBeLessThan(1e-5);
    expect(Math.abs(byKind('half') - uniform.reference / 4)).toBeLessThan(1e-5);
    expect(Math.abs(byKind('mse') - uniform.mse)).toBeLessThan(1e-6);
    // Fixed weights (0.8, 0.2) = softmax of (log 0.8, log 0.2).
    const fixed = handLoss(batch.a, batch.b, batch.y, { conv: [0, 0], relu: [0, 0] }, [
      Math.log(0.8),
      Math.log(0.2),
    ]);
    expect(Math.abs(byKind('reference', [0.8, 0.2]) - fixed.reference)).toBeLessThan(1e-5);
  });

  it('keeps targets of ±1 finite (ε inside the logs)', () => {
    const reg = new SimilarityRegularizer({ model: fixedNetwork(), taps: ['conv'] });
    const loss = tf.tidy(
      () =>
        reg
          .lossOf(
            images([
              [0.2, 0.9, -0.3, 0.5],
              [0.1, 0.2, 0.3, 0.4],
            ]),
            images([
              [0.6, -0.2, 0.8, 0.3],
              [0.5, 0.1, 0.2, 0.9],
            ]),
            [1, -1],
          )
          .dataSync()[0],
    );
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(100); // (atanh difference ≈ 12 in log space)²
    reg.dispose();
  });

  it('accepts pair images of another spatial size than the model input', () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    const c = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input);
    const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(c) as tfl.SymbolicTensor;
    const p = tfl.layers.globalAveragePooling2d({}).apply(bn) as tfl.SymbolicTensor;
    const model = tfl.model({
      inputs: input,
      outputs: tfl.layers.dense({ units: 2 }).apply(p) as tfl.SymbolicTensor,
    });
    const reg = new SimilarityRegularizer({ model, taps: ['c1', 'bn'] });
    const sims = tf.tidy(() =>
      reg.pairSimilarities(
        tf.randomNormal([3, 6, 10, 1], 0, 1, 'float32', 1),
        tf.randomNormal([3, 6, 10, 1], 0, 1, 'float32', 2),
      ),
    );
    expect(sims.shape).toEqual([3]);
    for (const s of sims.dataSync()) expect(Math.abs(s)).toBeLessThanOrEqual(1 + 1e-6);
    sims.dispose();
    reg.dispose();
  });

  it('accepts a ready feature model and names taps after its outputs', () => {
    const model = fixedNetwork();
    const featureModel = tfl.model({
      inputs: model.inputs,
      outputs: [
        model.getLayer('conv').output as tfl.SymbolicTensor,
        model.getLayer('relu').output as tfl.SymbolicTensor,
      ],
    });
    const reg = new SimilarityRegularizer({ featureModel });
    expect(reg.taps).toEqual(['conv', 'relu']);
    const fromModel = new SimilarityRegularizer({ model, taps: ['conv', 'relu'] });
    const x = images([[0.2, 0.9, -0.3, 0.5]]);
    const y = images([[0.6, -0.2, 0.8, 0.3]]);
    const l1 = reg.lossOf(x, y, [0.1]);
    const l2 = fromModel.lossOf(x, y, [0.1]);
    expect(l1.dataSync()[0]).toBeCloseTo(l2.dataSync()[0], 6);
    tf.dispose([x, y, l1, l2]);
    reg.dispose();
    fromModel.dispose();
  });

  it('works with featureModel(model) of @pixsim/models: RESNET_TAPS, logits output left out, other image sizes', () => {
    const model = resnet18({ inputShape: [8, 8, 1], classes: 3, width: 2, seed: 1 });
    const features = featureModel(model);
    expect(() => new SimilarityRegularizer({ featureModel: features, taps: ['stem', 'nope'] })).toThrow(
      UnknownLayerError,
    );
    const reg = new SimilarityRegularizer({ featureModel: features, taps: RESNET_TAPS });
    expect(reg.taps).toEqual([...RESNET_TAPS]);
    const state = reg.getState();
    expect(state['similarity_regularizer/running_mean/stage4'].shape).toEqual([16]);
    const start = tf.memory().numTensors;
    const loss = tf.tidy(
      () =>
        reg
          .lossOf(
            tf.randomNormal([2, 12, 20, 1], 0, 1, 'float32', 1),
            tf.randomNormal([2, 12, 20, 1], 0, 1, 'float32', 2),
            [1, 0],
          )
          .dataSync()[0],
    );
    expect(Number.isFinite(loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(Object.values(state));
    reg.dispose();
    model.dispose();
  });

  it('exports and restores its state (running means, w) as named tensors', () => {
    const model = fixedNetwork();
    const reg = new SimilarityRegularizer({ model, taps: ['conv', 'relu'] });
    const x = images([[0.2, 0.9, -0.3, 0.5]]);
    const y = images([[0.6, -0.2, 0.8, 0.3]]);
    tf.dispose(reg.lossOf(x, y, [0.5]));
    const state = reg.getState();
    expect(Object.keys(state).sort()).toEqual([
      'similarity_regularizer/running_mean/conv',
      'similarity_regularizer/running_mean/relu',
      'similarity_regularizer/tap_logits',
    ]);
    const other = new SimilarityRegularizer({ model, taps: ['conv', 'relu'] });
    other.setState(state);
    const [m1, m2] = [reg.runningMeanValues(), other.runningMeanValues()];
    expect(Array.from(m2[0].dataSync())).toEqual(Array.from(m1[0].dataSync()));
    expect(Array.from(m2[1].dataSync())).toEqual(Array.from(m1[1].dataSync()));
    const fixed = new SimilarityRegularizer({ model, taps: ['conv', 'relu'], tapWeights: 'uniform' });
    const { 'similarity_regularizer/running_mean/conv': _, ...partial } = state;
    expect(() => other.setState(partial)).toThrow(StateMismatchError);
    fixed.setState(state); // fixed weights ignore tap_logits
    tf.dispose([x, y, ...m1, ...m2, ...Object.values(state)]);
    for (const r of [reg, other, fixed]) r.dispose();
  });

  it('rejects bad inputs with typed errors naming the fix', () => {
    const model = fixedNetwork();
    expect(() => new SimilarityRegularizer({ model, taps: ['nope'] })).toThrow(UnknownLayerError);
    expect(() => new SimilarityRegularizer({ model, taps: [] })).toThrow(InvalidOptionError);
    expect(() => new SimilarityRegularizer({ model, taps: ['conv', 'conv'] })).toThrow(/twice/);
    expect(() => new SimilarityRegularizer({ model, taps: ['conv'], momentum: 1 })).toThrow(
      InvalidOptionError,
    );
    expect(() => new SimilarityRegularizer({ model, taps: ['conv'], tapWeights: [1] })).not.toThrow();
    expect(() => new SimilarityRegularizer({ model, taps: ['conv'], tapWeights: [0.7] })).toThrow(/sum to 1/);
    expect(
      () => new SimilarityRegularizer({ model, taps: ['conv'], loss: 'l1' as unknown as 'mse' }),
    ).toThrow(/unknown loss/);
    const reg = new SimilarityRegularizer({ model, taps: ['conv'] });
    const x = images([[0.2, 0.9, -0.3, 0.5]]);
    expect(() => reg.lossOf(x, x, [0.1, 0.2])).toThrow(/1 pairs but 2 targets/);
    expect(() => reg.lossOf(x, x, [Number.NaN])).toThrow(/\[−1, 1\]/);
    expect(() =>
      reg.lossOf(
        x,
        images([
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ]),
        [0],
      ),
    ).toThrow(/same shape/);
    x.dispose();
    reg.dispose();
    expect(() => reg.tapWeights()).toThrow(/disposed/);
  });
});
