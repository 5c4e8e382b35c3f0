import { runReadsSync, type TensorReads } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SimilarityRegularizer } from './similarity-regularizer';

/**
 * Index of the first tensor of `tensors` holding NaN or ±Infinity, or −1 when all are finite. The
 * common case costs one fused reduction and one read: the sum of the sums is finite exactly when every
 * value is, barring float overflow of huge finite values, which the exact per-tensor check then rules out.
 */
export function firstNonFinite(tensors: readonly tf.Tensor[]): number {
  return runReadsSync(firstNonFiniteReads(tensors));
}

/** {@link firstNonFinite} as a `TensorReads` computation (reads with the driver that runs it). */
export function* firstNonFiniteReads(tensors: readonly tf.Tensor[]): TensorReads<number> {
  if (tensors.length === 0) return -1;
  const total = tf.tidy(() => sumOfScalars(tensors.map((t) => tf.sum(tf.cast(t, 'float32')))));
  let finite: boolean;
  try {
    finite = Number.isFinite((yield total)[0]);
  } finally {
    total.dispose();
  }
  if (finite) return -1;
  for (let i = 0; i < tensors.length; i++) {
    const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(tensors[i]))));
    let found: boolean;
    try {
      found = (yield bad)[0] === 1;
    } finally {
      bad.dispose();
    }
    if (found) return i;
  }
  return -1;
}

/**
 * The state a training step writes during its forward pass, before any update: the model's non-trainable
 * weights (batch-norm moving statistics) and the regularizer's running means and tap logits. Taking it
 * costs no copy (a clone shares the data; the step replaces variables' data, never edits it in place).
 */
export class StepSnapshot {
  private readonly variables: tf.Variable[];
  private readonly values: tf.Tensor[];
  private readonly regularizerState: tf.NamedTensorMap | null;

  constructor(model: tfl.LayersModel, regularizer: SimilarityRegularizer | null) {
    this.variables = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
    this.values = this.variables.map((v) => tf.clone(v));
    this.regularizerState = regularizer ? regularizer.getState() : null;
  }

  /** The live variables the forward pass may have written (to check them after it). */
  written(regularizer: SimilarityRegularizer | null): { statistics: tf.Tensor[]; means: tf.Tensor[] } {
    return { statistics: this.variables, means: regularizer ? regularizer.runningMeanValues() : [] };
  }

  /** Puts every saved value back. */
  restore(regularizer: SimilarityRegularizer | null): void {
    this.variables.forEach((v, i) => {
      v.assign(this.values[i]);
    });
    // The values this step started from: restored without a read (none may wait in a failed step's cleanup).
    if (regularizer && this.regularizerState) {
      runReadsSync(regularizer.setStateReads('trainStep', this.regularizerState, false));
    }
  }

  dispose(): void {
    tf.dispose(this.values);
    if (this.regularizerState) tf.dispose(Object.values(this.regularizerState));
  }
}

/**
 * The sum of many scalars by `addN` over groups of at most {@link ADD_N_GROUP}: the `webgpu` engine binds
 * every input of one `addN` as a storage buffer, and a GPU allows only 8 per shader stage by default (a
 * ResNet18 step checks over a hundred tensors). Allocates; call inside a tidy.
 */
function sumOfScalars(scalars: tf.Tensor[]): tf.Tensor {
  let level = scalars;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += ADD_N_GROUP) {
      const group = level.slice(i, i + ADD_N_GROUP);
      next.push(group.length === 1 ? group[0] : tf.addN(group));
    }
    level = next;
  }
  return level[0];
}

/** Inputs of one `addN` in {@link sumOfScalars} (7: the output takes the 8th storage buffer). */
const ADD_N_GROUP = 7;
