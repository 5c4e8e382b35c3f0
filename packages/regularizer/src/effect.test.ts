import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { readMnist } from './mnist-idx.fixture';
import { type SimilarityLossKind, SimilarityRegularizer } from './similarity-regularizer';
import { thresholdedPixelTargets } from './targets';
import { train } from './trainer';

/**
 * A tiny MLP with two tapped hidden layers. (The pure-JS cpu backend's conv filter gradient is too slow
 * for a one-minute test; dense taps exercise the same code — the last axis is the channel axis.)
 */
function tinyMlp(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: 100 + s });
  const input = tfl.input({ shape: [28, 28, 1] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({ units: 64, activation: 'relu', name: 'hidden1', kernelInitializer: init(1) })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({ units: 32, activation: 'relu', name: 'hidden2', kernelInitializer: init(2) })
    .apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('effect on real MNIST', () => {
  it('α > 0 raises the held-out correlation between S^CNN and S^Th above initialisation and above α = 0', async () => {
    const trainSet = readMnist('train', 0, 960);
    const regImages = readMnist('train', 50_000, 300);
    const targets = thresholdedPixelTargets(regImages, { th: 0.2 }); // MNIST–MNIST Th of the paper
    const run = async (alpha: number, loss: SimilarityLossKind) => {
      const model = tinyMlp();
      const regularizer = new SimilarityRegularizer({ model, taps: ['hidden1', 'hidden2'], loss });
      const result = await train({
        model,
        regularizer,
        train: trainSet,
        regularization: { images: regImages, targets },
        alpha,
        epochs: 3,
        batchSize: 32,
        pairBatchSize: 64,
        seed: 5,
        learningRate: 0.005,
        heldOutPairs: 500,
        progress: false,
      });
      regularizer.dispose();
      model.dispose();
      return { ...result, last: result.history[result.history.length - 1] };
    };
    const start = tf.memory().numTensors;
    const plain = await run(0, 'reference');
    const mse = await run(2, 'mse');
    const reference = await run(0.1, 'reference');
    const initial = plain.initialHeldOutCorrelation!;
    console.log(
      `effect: r(S^CNN, S^Th) on 500 held-out pairs — init ${initial.toFixed(3)}, α=0 ${plain.last.heldOutCorrelation!.toFixed(3)}, ` +
        `α=2 (mse) ${mse.last.heldOutCorrelation!.toFixed(3)}, α=0.1 (reference) ${reference.last.heldOutCorrelation!.toFixed(3)}; ` +
        `held-out reference L_sim α=0 ${plain.last.heldOutSimLoss!.toFixed(2)}, α=0.1 ${reference.last.heldOutSimLoss!.toFixed(2)}; ` +
        `val acc ${plain.last.validationAccuracy} / ${mse.last.validationAccuracy} / ${reference.last.validationAccuracy}`,
    );
    // Same seed and initialisation: every run starts from the same correlation.
    expect(mse.initialHeldOutCorrelation).toBeCloseTo(initial, 6);
    expect(mse.last.heldOutCorrelation!).toBeGreaterThan(initial + 0.1);
    expect(mse.last.heldOutCorrelation!).toBeGreaterThan(plain.last.heldOutCorrelation! + 0.02);
    // The reference atanh loss lowers its own held-out value against the same training with α = 0.
    expect(reference.last.heldOutSimLoss!).toBeLessThan(plain.last.heldOutSimLoss! - 0.5);
    // The task is still learnt.
    expect(mse.last.validationAccuracy!).toBeGreaterThanOrEqual(0.7);
    expect(tf.memory().numTensors).toBe(start);
  }, 300_000);
});
