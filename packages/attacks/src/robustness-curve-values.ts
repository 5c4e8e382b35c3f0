import * as tf from '@tensorflow/tfjs-core';
import type { PerturbationAttack } from './attack-specs';
import type { Classifier } from './classifier';
import { PACKAGE, InvalidOptionError } from './errors';
import { deriveSeed } from './random';
import type { TensorReads } from '@pixsim/core';
import { argmaxRows, type ImageShape } from './values-model';

/** One batch of the curve: its first image and its size. */
export interface CurveBatch {
  start: number;
  size: number;
}

/** What the plain-values loop needs: a classifier with `logitsValues` and an attack with `perturbValues`. */
export interface ValuesCurveInput {
  fn: string;
  classifier: Classifier & Required<Pick<Classifier, 'logitsValues'>>;
  attack: PerturbationAttack & Required<Pick<PerturbationAttack, 'perturbValues'>>;
  images: tf.Tensor4D;
  labels: Int32Array;
  epsilons: readonly number[];
  batches: readonly CurveBatch[];
  repeats: number;
  seed: number;
}

/** Clean predictions and the correct counts per ε and repeat of the plain-values loop. */
export interface ValuesCurveCounts {
  clean: Int32Array;
  /** `correct[k][r]`: correctly classified images at `epsilons[k]` in repeat `r`. */
  correct: number[][];
}

/** The batch's images as plain row-major values (one read). */
function* batchValues(images: tf.Tensor4D, b: CurveBatch): TensorReads<Float32Array> {
  const x = tf.tidy(() => tf.cast(tf.slice(images, [b.start, 0, 0, 0], [b.size, -1, -1, -1]), 'float32'));
  try {
    return Float32Array.from(yield x);
  } finally {
    x.dispose();
  }
}

/**
 * The perturbation curve with every model call on plain values (a native engine such as onnxruntime-node):
 * each batch is read once, its clean predictions are made, and for each repeat the attack sweeps the
 * budgets on that batch. The batches, seeds and index offsets are those of the tensor loop, so each image
 * sees the same numbers and the counts are the same; an unchanged batch (ε = 0) reuses the clean
 * predictions, which the same forward pass on the same batch gives.
 */
export function* valuesCurveReads(input: ValuesCurveInput): TensorReads<ValuesCurveCounts> {
  const { classifier, attack, images, labels, epsilons } = input;
  const [, h, w, c] = images.shape;
  const clean = new Int32Array(labels.length);
  const correct = epsilons.map(() => new Array<number>(input.repeats).fill(0));
  for (const b of input.batches) {
    const x = yield* batchValues(images, b);
    const shape: ImageShape = [b.size, h, w, c];
    const predict = (v: Float32Array) => {
      const out = classifier.logitsValues(v, shape);
      return argmaxRows(out.logits, out.k);
    };
    const cleanPredictions = predict(x);
    clean.set(cleanPredictions, b.start);
    const y = labels.subarray(b.start, b.start + b.size);
    for (let r = 0; r < input.repeats; r++) {
      const context = { seed: deriveSeed(input.seed, r), indexOffset: b.start };
      let k = 0;
      for (const adv of attack.perturbValues(classifier, x, shape, y, epsilons, context)) {
        if (k++ === epsilons.length) break; // one too many: reported below
        const e = k - 1;
        const pred = adv === x ? cleanPredictions : predict(adv);
        for (let i = 0; i < b.size; i++) if (pred[i] === y[i]) correct[e][r]++;
      }
      if (k !== epsilons.length) {
        throw new InvalidOptionError(
          PACKAGE,
          `${input.fn}: attack '${attack.name}' perturbValues gave ${k > epsilons.length ? 'more' : k} batches for ` +
            `${epsilons.length} budgets ε; it must yield one perturbed batch per ε, in order.`,
        );
      }
    }
  }
  return { clean, correct };
}
