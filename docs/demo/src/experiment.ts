/**
 * The demo's experiment, free of any DOM: a small CNN trained twice on the same digits, from the same initial
 * weights and in the same batch order, once with `L_task` alone and once with `L_task + α·L_sim` (`S^Th`
 * targets), then both evaluated under Gaussian noise. The page runs it in a Web Worker; `run-node.ts` runs it
 * in Node (how the defaults were checked).
 */
import { createClassifier, gaussianNoiseAttack, robustnessCurve } from '@pixsim/attacks';
import {
  deriveSeed,
  PairSampler,
  type PairTargets,
  permutation,
  SimilarityRegularizer,
  targetsOf,
  thresholdedPixelTargets,
  trainStep,
} from '@pixsim/regularizer';
import { rsaCorrelation } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DemoData, DigitSet } from './data';
import { type DemoSettings, type RunKind, TAPS } from './settings';

export { DEFAULT_SETTINGS, type DemoSettings, linspace, type RunKind, TAPS } from './settings';

/**
 * A user-style functional model: three convolutions (the taps), batch norm after the first two, max pooling,
 * global average pooling and a dense layer to 10 logits. Every initialiser is seeded.
 */
export function buildModel(seed: number): tfl.LayersModel {
  const init = (stream: number) => tfl.initializers.glorotUniform({ seed: deriveSeed(seed, stream) });
  const input = tfl.input({ shape: [28, 28, 1], name: 'digits' });
  const conv = (name: string, filters: number, stream: number) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(stream),
    });
  let x = conv('conv1', 8, 1).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn1', momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ name: 'relu1', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv('conv2', 16, 2).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn2', momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ name: 'relu2', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv('conv3', 32, 3).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ name: 'relu3', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .dense({ name: 'logits', units: 10, kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'demo_cnn' });
}

/** The fixed digits of the heatmaps: the first `perClass` training digits of each class, ordered by class. */
export function fixedDigitIds(labels: Int32Array, perClass: number): number[] {
  const ids: number[] = [];
  for (let c = 0; c < 10; c++) {
    let found = 0;
    for (let i = 0; i < labels.length && found < perClass; i++) {
      if (labels[i] === c) {
        ids.push(i);
        found++;
      }
    }
  }
  return ids;
}

/** `[count, 28, 28, 1]` float inputs in [0, 1] (an MNIST task feeds the pixels unscaled, as the reference). */
function toInputs(set: DigitSet, count = set.count): tf.Tensor4D {
  return tf.tidy(() =>
    tf.div(tf.tensor4d(set.images.subarray(0, count * 784), [count, 28, 28, 1], 'int32'), 255),
  );
}

/** One training step, as the page plots it. */
export interface StepRecord {
  kind: RunKind;
  step: number;
  taskLoss: number;
  /** `L_sim` of the step's pair batch (regularized run only). */
  simLoss: number | null;
  /** Accuracy on the step's classification batch (before the update). */
  batchAccuracy: number;
  /** `tf.memory().numTensors` after the step (flat when nothing leaks). */
  numTensors: number;
  /** Milliseconds the step took. */
  ms: number;
}

/** `S^CNN` of the fixed digits, measured in inference mode. */
export interface ProbeRecord {
  kind: RunKind;
  step: number;
  /** n×n `S^CNN` (diagonal 1), row-major. */
  sCnn: Float32Array;
  /** `L_sim` (reference loss) of all i<j pairs of the fixed digits against `S^Th`. */
  simLoss: number;
  /** Pearson correlation of the upper triangles of `S^CNN` and `S^Th`. */
  correlation: number;
  /** `softmax(w)`, one weight per tap. */
  tapWeights: number[];
}

/** The noise curve of one trained model. */
export interface NoiseRecord {
  kind: RunKind;
  epsilons: number[];
  /** Test accuracy in [0, 1] at each ε. */
  accuracy: number[];
}

export interface RunCallbacks {
  onStep?: (record: StepRecord) => void;
  onProbe?: (record: ProbeRecord) => void;
  onNoise?: (record: NoiseRecord) => void;
  /** Called between steps; resolve to go on (a worker yields here so that its messages go out). */
  pause?: () => Promise<void>;
  /** Returns true to stop the run early. */
  cancelled?: () => boolean;
}

/** Targets, fixed digits and input tensors shared by both runs. Call {@link dispose} at the end. */
export class DemoExperiment {
  readonly settings: DemoSettings;
  readonly data: DemoData;
  /** `S^Th` of the training digits (the regularization images). */
  readonly targets: PairTargets;
  /** Training-set ids of the fixed digits. */
  readonly fixedIds: number[];
  /** n×n `S^Th` of the fixed digits (a block of {@link targets}), row-major. */
  readonly fixedTargets: Float32Array;
  private readonly trainX: tf.Tensor4D;
  private readonly testX: tf.Tensor4D;
  private readonly fixedX: tf.Tensor4D;
  private readonly probeI: tf.Tensor1D;
  private readonly probeJ: tf.Tensor1D;
  private readonly probeTargets: Float32Array;

  constructor(data: DemoData, settings: DemoSettings) {
    this.settings = settings;
    this.data = data;
    const train = data.train;
    this.targets = thresholdedPixelTargets(
      { images: train.images, shape: [train.count, 28, 28, 1] },
      { th: settings.th },
    );
    this.fixedIds = fixedDigitIds(train.labels, settings.probePerClass);
    const n = this.fixedIds.length;
    this.fixedTargets = new Float32Array(n * n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        this.fixedTargets[r * n + c] =
          this.targets.matrix[this.fixedIds[r] * this.targets.n + this.fixedIds[c]];
      }
    }
    const pi: number[] = [];
    const pj: number[] = [];
    const pt: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let c = r + 1; c < n; c++) {
        pi.push(r);
        pj.push(c);
        pt.push(this.fixedTargets[r * n + c]);
      }
    }
    this.probeTargets = Float32Array.from(pt);
    this.trainX = toInputs(train);
    this.testX = toInputs(data.test, Math.min(settings.testCount, data.test.count));
    this.fixedX = tf.tidy(() => tf.gather(this.trainX, this.fixedIds));
    this.probeI = tf.tensor1d(pi, 'int32');
    this.probeJ = tf.tensor1d(pj, 'int32');
  }

  /** Trains one model from the seeded initial weights, then measures its noise curve. */
  async run(kind: RunKind, callbacks: RunCallbacks = {}): Promise<NoiseRecord | null> {
    const s = this.settings;
    const regularized = kind === 'regularized';
    const model = buildModel(s.seed);
    const regularizer = new SimilarityRegularizer({ model, taps: [...TAPS] });
    const optimizer = tf.train.adam(s.learningRate);
    const sampler = new PairSampler(this.targets.pairs, {
      batchSize: s.pairBatch,
      seed: deriveSeed(s.seed, 2),
    });
    const n = this.data.train.count;
    const labels = this.data.train.labels;
    let order = permutation(n, deriveSeed(s.seed, 3, 0));
    let epoch = 0;
    let cursor = 0;
    try {
      this.probe(kind, 0, regularizer, callbacks);
      for (let step = 1; step <= s.steps; step++) {
        if (callbacks.cancelled?.()) return null;
        if (cursor + s.batchSize > n) {
          epoch++;
          order = permutation(n, deriveSeed(s.seed, 3, epoch));
          cursor = 0;
        }
        const ids = Array.from(order.subarray(cursor, cursor + s.batchSize));
        cursor += s.batchSize;
        const started = performance.now();
        const inputs = tf.gather(this.trainX, ids) as tf.Tensor4D;
        const batchLabels = Int32Array.from(ids, (id) => labels[id]);
        let result: ReturnType<typeof trainStep>;
        if (regularized) {
          const pairs = sampler.next();
          const first = Array.from({ length: pairs.length / 2 }, (_, p) => pairs[2 * p]);
          const second = Array.from({ length: pairs.length / 2 }, (_, p) => pairs[2 * p + 1]);
          const a = tf.gather(this.trainX, first) as tf.Tensor4D;
          const b = tf.gather(this.trainX, second) as tf.Tensor4D;
          try {
            result = trainStep({
              model,
              optimizer,
              regularizer,
              alpha: s.alpha,
              inputs,
              labels: batchLabels,
              pairs: { a, b, targets: targetsOf(this.targets, pairs) },
            });
          } finally {
            tf.dispose([inputs, a, b]);
          }
        } else {
          try {
            result = trainStep({ model, optimizer, inputs, labels: batchLabels });
          } finally {
            inputs.dispose();
          }
        }
        callbacks.onStep?.({
          kind,
          step,
          taskLoss: result.taskLoss,
          simLoss: result.simLoss,
          batchAccuracy: result.correct / ids.length,
          numTensors: tf.memory().numTensors,
          ms: performance.now() - started,
        });
        if (step % s.probeEvery === 0 || step === s.steps) this.probe(kind, step, regularizer, callbacks);
        await callbacks.pause?.();
      }
      // robustnessCurve disposes what it allocates (its batches, the noisy images, the predictions).
      const curve = robustnessCurve(
        createClassifier(model, { bounds: [0, 1] }),
        { images: this.testX, labels: this.data.test.labels.subarray(0, this.testX.shape[0]) },
        gaussianNoiseAttack(),
        s.epsilons,
        { seed: deriveSeed(s.seed, 4), batchSize: 100 },
      );
      const record: NoiseRecord = {
        kind,
        epsilons: [...curve.epsilons],
        accuracy: curve.accuracy.map((a) => a.mean ?? Number.NaN),
      };
      callbacks.onNoise?.(record);
      return record;
    } finally {
      regularizer.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }

  /** Measures `S^CNN` of the fixed digits (inference mode, each tap centred by its mean over them). */
  private probe(
    kind: RunKind,
    step: number,
    regularizer: SimilarityRegularizer,
    callbacks: RunCallbacks,
  ): void {
    if (!callbacks.onProbe) return;
    const n = this.fixedIds.length;
    const { pairS, loss, weights } = tf.tidy(() => {
      const centres = regularizer.tapMeans(this.fixedX);
      const a = tf.gather(this.fixedX, this.probeI) as tf.Tensor4D;
      const b = tf.gather(this.fixedX, this.probeJ) as tf.Tensor4D;
      const options = { training: false, centres };
      return {
        pairS: regularizer.pairSimilarities(a, b, options).dataSync() as Float32Array,
        loss: regularizer.lossOf(a, b, this.probeTargets, options).dataSync()[0],
        weights: Array.from(regularizer.tapWeights().dataSync()),
      };
    });
    const sCnn = new Float32Array(n * n);
    let p = 0;
    for (let r = 0; r < n; r++) {
      sCnn[r * n + r] = 1;
      for (let c = r + 1; c < n; c++) {
        sCnn[r * n + c] = pairS[p];
        sCnn[c * n + r] = pairS[p];
        p++;
      }
    }
    callbacks.onProbe({
      kind,
      step,
      sCnn,
      simLoss: loss,
      correlation: rsaCorrelation(sCnn, this.fixedTargets),
      tapWeights: weights,
    });
  }

  dispose(): void {
    tf.dispose([this.trainX, this.testX, this.fixedX, this.probeI, this.probeJ]);
  }
}
