import { describeValue, isTensor } from '@pixsim/core';
import {
  atanhSquaredLoss,
  cosineSimilarity,
  mseLoss,
  runReadsAsync,
  runReadsSync,
  type TensorReads,
} from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertImageBatch, readOptions, readTargets } from './arguments';
import {
  PACKAGE,
  InvalidOptionError,
  NonFiniteValueError,
  ShapeMismatchError,
  StateMismatchError,
} from './errors';
import { buildFeatureModel } from './feature-model';
import { firstNonFiniteReads } from './step-guard';
import { groupableBatchNorms, withGroupedBatchNorm } from './grouped-batch-norm';
import { concatTaps, type PairPasses, resolvePairPasses } from './pair-passes';
import { stopGradient } from './stop-gradient';
import { fixedTapWeights, type TapWeighting } from './tap-weights';

/**
 * How `L_sim` compares the network's similarities `S^CNN` with the targets:
 * - `'reference'` (default): `mean((log(1+x+ε) − log(1−x+ε) − log(1+y+ε) + log(1−y+ε))²)`, i.e.
 *   `4·(atanh S^CNN − atanh S^target)²` as in the reference code; the paper's α values assume it.
 * - `'half'`: `(atanh S^CNN − atanh S^target)²`, ¼ of the reference.
 * - `'mse'`: `(S^CNN − S^target)²`, no atanh.
 */
export type SimilarityLossKind = 'reference' | 'half' | 'mse';

export type { TapWeighting } from './tap-weights';
export type { PairPasses } from './pair-passes';

/** Options of {@link SimilarityRegularizer}. */
export interface SimilarityRegularizerOptions {
  /**
   * The network: with `taps`, the layers whose outputs are compared (e.g. `'stem'`, `'stage1'` …
   * `'stage4'` of the pixsim ResNets). The regularizer shares the model's weights.
   */
  model?: tfl.LayersModel;
  /** Names of the tapped layers of `model` (in order), or of a `featureModel`'s outputs (optional there). */
  taps?: readonly string[];
  /**
   * Instead of `model` + `taps`: a ready feature model whose outputs are the taps (e.g. from
   * `featureModel(model, taps)` of `@pixsim/models`). It must share its weights with the trained model.
   */
  featureModel?: tfl.LayersModel;
  /** Running-mean factor β of the per-channel centring, `m ← β·m + (1−β)·batch mean`. Default 0.9. */
  momentum?: number;
  /** Tap combination, default `'trainable'`. */
  tapWeights?: TapWeighting;
  /** Loss, default `'reference'`. */
  loss?: SimilarityLossKind;
  /** ε inside the atanh logs, default 1e-5 (ignored by `'mse'`). */
  eps?: number;
  /**
   * How `pairPasses: 'separate'` is computed. `true` (default): when every layer up to the taps is
   * per-image or a `BatchNormalization` over the last axis (the pixsim ResNets, most CNNs), as ONE pass
   * over the 2k images in which each batch-norm layer normalises the two halves by their own statistics and
   * updates its moving statistics once per half, in order — the same mathematics as two passes, with the
   * per-op costs of one. Other models (custom layers, batch norm over another axis) always make two
   * passes. `false`: always two passes.
   */
  groupedBatchNorm?: boolean;
}

/** Options of the forward computations of {@link SimilarityRegularizer}. */
export interface PairForwardOptions {
  /** Run the network in training mode (batch-norm batch statistics, as in the reference). Default `true`. */
  training?: boolean;
  /**
   * Update the running means from this batch (before using them). Default: equal to `training`.
   * With `false` the stored means are used as they are (evaluation, finite-difference checks).
   */
  updateRunningMeans?: boolean;
  /**
   * Centre each tap by these per-channel means (one `[C_t]` tensor per tap) instead of the running
   * means, which are then neither used nor updated. For evaluation with a fixed reference mean.
   */
  centres?: readonly tf.Tensor1D[];
  /**
   * How the 2k pair images go through the network (see {@link PairPasses}). Default `'separate'`, the
   * reference protocol.
   */
  pairPasses?: PairPasses;
}

const STATE_PREFIX = 'similarity_regularizer';
const LOSS_KINDS: readonly SimilarityLossKind[] = ['reference', 'half', 'mse'];

/**
 * The pixsim similarity regularizer `L_sim` on any TensorFlow.js `LayersModel`.
 *
 * For a batch of k image pairs `(i, j)`, the k images i and then the k images j go through the network
 * (two passes, as in the reference; `pairPasses: 'joint'` makes it one pass of 2k); at each tap the
 * feature maps are centred by a per-channel running mean (updated first from this batch, mean over
 * batch and space, `m ← β·m + (1−β)·mean`, starting at 0, no gradient), flattened, and compared by
 * cosine; the taps are combined by `softmax(w)`; the result `S^CNN_ij` is compared with the target
 * `S^target_ij` (e.g. `S^Th`) by the atanh-squared loss. Feature maps are NHWC (channel last); pair
 * images may have another spatial size than the classification images. With taps l, centred feature maps
 * $\tilde a^l$ and tap weights $w$:
 *
 * $$S^\text{CNN}_{ij} = \sum_l \operatorname{softmax}(w)_l \, \frac{\tilde a^l_i \cdot \tilde a^l_j}{\lVert \tilde a^l_i\rVert\,\lVert \tilde a^l_j\rVert}, \qquad L = L_\text{task} + \alpha\, L_\text{sim}.$$
 *
 * Owns its running means and `w` (dispose with {@link SimilarityRegularizer.dispose}); the model stays
 * the caller's.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { RESNET_TAPS, resnet18 } from '@pixsim/models';
 * import { SimilarityRegularizer } from '@pixsim/regularizer';
 *
 * const model = resnet18({ inputShape: [28, 28, 1], classes: 10, width: 8, seed: 1 });
 * const regularizer = new SimilarityRegularizer({ model, taps: RESNET_TAPS }); // or the names of your layers
 * // L_sim of k = 2 pairs: pair p is (a[p], b[p]) with target S^Th = targets[p].
 * const a = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
 * const b = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
 * const loss = regularizer.lossOf(a, b, [1, -1], { training: false }); // a scalar tensor
 * const weights = regularizer.tapWeights(); // softmax(w): uniform at first
 * console.log(loss.dataSync()[0], weights.arraySync());
 * tf.dispose([a, b, loss, weights]);
 * regularizer.dispose(); // its running means and w; the model stays yours
 * ```
 * In training, {@link trainStep} and {@link train} compute `L_task + α·L_sim` and update `w` with the network.
 */
export class SimilarityRegularizer {
  /** Tap names, in the order of {@link SimilarityRegularizer.tapWeights}. */
  readonly taps: readonly string[];
  /** The model producing the tap outputs (shares weights with the trained model). */
  readonly featureModel: tfl.LayersModel;
  /** β of the running means. */
  readonly momentum: number;
  readonly loss: SimilarityLossKind;
  readonly eps: number;
  /** The trainable tap logits `w` (null with fixed weights). */
  readonly tapLogits: tf.Variable | null;
  private readonly fixedWeights: tf.Tensor1D | null;
  private readonly runningMeans: tf.Variable[];
  /** Which outputs of the feature model are the taps, in tap order. */
  private readonly outputIndices: number[];
  /** Batch-norm layers to group for a one-pass 'separate' forward (null: make two passes). */
  private readonly groupedBatchNorms: ReturnType<typeof groupableBatchNorms>;
  private disposed = false;

  constructor(options: SimilarityRegularizerOptions) {
    const fn = 'SimilarityRegularizer';
    if (options == null || typeof options !== 'object') {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: pass an options object { model, taps } or { featureModel }.`,
      );
    }
    const { featureModel, taps, outputIndices } = buildFeatureModel(fn, options);
    this.featureModel = featureModel;
    this.outputIndices = outputIndices;
    this.taps = taps;
    this.groupedBatchNorms = options.groupedBatchNorm === false ? null : groupableBatchNorms(featureModel);
    this.momentum = options.momentum ?? 0.9;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new InvalidOptionError(PACKAGE, `${fn}: momentum β must be in [0, 1), got ${options.momentum}.`);
    }
    this.loss = options.loss ?? 'reference';
    if (!LOSS_KINDS.includes(this.loss)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: unknown loss '${String(options.loss)}'; use one of ${LOSS_KINDS.join(', ')}.`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0 && this.eps < 1)) {
      throw new InvalidOptionError(PACKAGE, `${fn}: eps must be in (0, 1), got ${options.eps}.`);
    }
    const channels = outputIndices.map((index, t) => {
      const o = featureModel.outputs[index];
      const c = o.shape[o.shape.length - 1];
      if (c == null || o.shape.length < 2) {
        throw new ShapeMismatchError(
          PACKAGE,
          `${fn}: tap '${taps[t]}' has output shape [${o.shape.join(', ')}]; a tap needs a batch axis and a ` +
            'known channel (last) axis.',
        );
      }
      return c;
    });
    const weighting = options.tapWeights ?? 'trainable';
    const count = taps.length;
    if (weighting === 'trainable') {
      this.tapLogits = tf.tidy(() => tf.variable(tf.zeros([count]), true));
      this.fixedWeights = null;
    } else {
      this.tapLogits = null;
      this.fixedWeights = tf.keep(tf.tensor1d(fixedTapWeights(fn, weighting, count)));
    }
    this.runningMeans = channels.map((c) => tf.tidy(() => tf.variable(tf.zeros([c]), false)));
  }

  /** Trainable variables of the regularizer itself (`[w]`, or none with fixed weights). */
  get trainableVariables(): tf.Variable[] {
    return this.tapLogits ? [this.tapLogits] : [];
  }

  /** The tap weights `π = softmax(w)` (or the fixed weights) as a new `[T]` tensor. */
  tapWeights(): tf.Tensor1D {
    this.assertLive();
    return tf.tidy(
      () => (this.tapLogits ? tf.softmax(this.tapLogits) : tf.clone(this.fixedWeights!)) as tf.Tensor1D,
    );
  }

  /** Copies of the per-channel running means, one `[C_t]` tensor per tap. */
  runningMeanValues(): tf.Tensor1D[] {
    this.assertLive();
    return this.runningMeans.map((m) => tf.clone(m) as tf.Tensor1D);
  }

  /**
   * Per-tap similarities `S^CNN_t` of the k pairs `(a_p, b_p)`: `[T, k]`.
   *
   * @param a - `[k, H, W, C]` network inputs of the first images of the pairs (already scaled).
   * @param b - same shape, the second images.
   */
  tapSimilarities(a: tf.Tensor4D, b: tf.Tensor4D, options: PairForwardOptions = {}): tf.Tensor2D {
    readOptions('SimilarityRegularizer.tapSimilarities', options);
    this.assertLive();
    const fn = 'SimilarityRegularizer.tapSimilarities';
    this.assertPairImages(fn, a, b);
    if (!tf.util.arraysEqual(a.shape, b.shape)) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: a and b must both be [k, H, W, C] with the same shape, got [${a.shape.join(', ')}] and ` +
          `[${b.shape.join(', ')}].`,
      );
    }
    const k = a.shape[0];
    if (k < 1) throw new ShapeMismatchError(PACKAGE, `${fn}: no pairs given (k = 0).`);
    assertFiniteImages(fn, ['a', 'b'], [a, b]);
    const training = options.training ?? true;
    const centres = options.centres;
    if (centres != null) this.assertCentres(fn, centres);
    const update = centres ? false : (options.updateRunningMeans ?? training);
    const passes = resolvePairPasses(fn, options.pairPasses);
    return tf.tidy(() => {
      const maps = this.pairTapOutputs(a, b, training, passes);
      const sims = maps.map((f, t) => {
        const running = this.runningMeans[t];
        let mean: tf.Tensor = centres ? centres[t] : running;
        if (update) {
          const batchMean = stopGradient(channelMean(f));
          mean = tf.add(tf.mul(running, this.momentum), tf.mul(batchMean, 1 - this.momentum));
          running.assign(mean as tf.Tensor1D);
        }
        const centred = tf.sub(f, mean);
        // split (gradient: one concat) rather than two slices (gradient: two pads and an add).
        const [first, second] = tf.split(centred, 2, 0);
        return cosineSimilarity(first, second, { checkFinite: false });
      });
      return tf.stack(sims) as tf.Tensor2D;
    });
  }

  /**
   * Per-tap channel means of the feature maps of `images` (mean over batch and space), one `[C_t]`
   * tensor per tap; by default in inference mode. Used to centre evaluation similarities.
   */
  tapMeans(images: tf.Tensor4D, options: { training?: boolean } = {}): tf.Tensor1D[] {
    readOptions('SimilarityRegularizer.tapMeans', options);
    this.assertLive();
    assertImageBatch('SimilarityRegularizer.tapMeans', 'images', images, this.inputShape(), false);
    assertFiniteImages('SimilarityRegularizer.tapMeans', ['images'], [images]);
    return tf.tidy(() => {
      const maps = this.tapOutputs(images, options.training ?? false);
      return maps.map((f) => channelMean(f));
    });
  }

  /** The combined similarity `S^CNN = Σ_t π_t·S^CNN_t` of k pairs: `[k]`. Same arguments as {@link tapSimilarities}. */
  pairSimilarities(a: tf.Tensor4D, b: tf.Tensor4D, options: PairForwardOptions = {}): tf.Tensor1D {
    readOptions('SimilarityRegularizer.pairSimilarities', options);
    return tf.tidy(() => {
      const perTap = this.tapSimilarities(a, b, options);
      const weights = this.tapLogits ? tf.softmax(this.tapLogits) : this.fixedWeights!;
      return tf.squeeze(tf.matMul(tf.reshape(weights, [1, -1]), perTap), [0]) as tf.Tensor1D;
    });
  }

  /**
   * `L_sim` of k pairs against their targets: the configured loss between `S^CNN` and `S^target`.
   * Differentiable in the network's weights and in `w`.
   *
   * @param targets - `[k]` targets in [−1, 1] (tensor or array), e.g. entries of `S^Th`.
   */
  lossOf(
    a: tf.Tensor4D,
    b: tf.Tensor4D,
    targets: tf.Tensor1D | ArrayLike<number>,
    options: PairForwardOptions = {},
  ): tf.Scalar {
    const fn = 'SimilarityRegularizer.lossOf';
    this.assertLive();
    this.assertPairImages(fn, a, b);
    const k = a.shape[0];
    const values = readTargets(fn, targets, k);
    return tf.tidy(() => {
      const pred = this.pairSimilarities(a, b, options);
      const y = tf.tensor1d(values);
      // Inside the training step the loss is checked for NaN after the pass (a similarity outside
      // [−1, 1] makes it NaN); reading the range here would need a synchronous read.
      const checkRange = !imagesChecked;
      if (this.loss === 'mse') return mseLoss(pred, y, { checkRange });
      return atanhSquaredLoss(pred, y, { eps: this.eps, scale: this.loss, checkRange });
    });
  }

  /**
   * The regularizer's state as named tensors for a checkpoint (copies; the caller disposes them):
   * `similarity_regularizer/running_mean/<tap>` per tap and `similarity_regularizer/tap_logits` (`w`,
   * when trainable).
   */
  getState(): tf.NamedTensorMap {
    this.assertLive();
    const state: tf.NamedTensorMap = {};
    this.taps.forEach((tap, t) => {
      state[`${STATE_PREFIX}/running_mean/${tap}`] = tf.clone(this.runningMeans[t]);
    });
    if (this.tapLogits) state[`${STATE_PREFIX}/tap_logits`] = tf.clone(this.tapLogits);
    return state;
  }

  /**
   * Restores a state from {@link getState} (other entries of `tensors`, e.g. a checkpoint's, are
   * ignored). Throws {@link StateMismatchError} when an entry is missing or has the wrong shape.
   */
  setState(tensors: tf.NamedTensorMap): void {
    runReadsSync(this.setStateReads('SimilarityRegularizer.setState', tensors));
  }

  /**
   * {@link SimilarityRegularizer.setState} with an asynchronous read of the values it checks (`await
   * data()`): works on every engine, the `webgpu` engine in Node included. Same checks and errors.
   */
  async setStateAsync(tensors: tf.NamedTensorMap): Promise<void> {
    await runReadsAsync(this.setStateReads('SimilarityRegularizer.setStateAsync', tensors));
  }

  /**
   * `setState` as a `TensorReads` computation; `checkValues: false` skips the finiteness read (the training
   * step restoring its own snapshot after a failure, which must not wait for a read).
   *
   * @internal
   */
  *setStateReads(fn: string, tensors: tf.NamedTensorMap, checkValues = true): TensorReads<void> {
    this.assertLive();
    if (tensors == null || typeof tensors !== 'object') {
      throw new StateMismatchError(
        `${fn}: pass the named tensors of getState() (or of a checkpoint), got ${describeValue(tensors)}.`,
      );
    }
    const targets: [string, tf.Variable][] = this.taps.map((tap, t) => [
      `${STATE_PREFIX}/running_mean/${tap}`,
      this.runningMeans[t],
    ]);
    if (this.tapLogits) targets.push([`${STATE_PREFIX}/tap_logits`, this.tapLogits]);
    for (const [name, variable] of targets) {
      const value = tensors[name];
      if (value == null) {
        throw new StateMismatchError(
          `${fn}: the state has no '${name}'; it was saved by a regularizer with other taps or tap weighting ` +
            `(this one has taps ${this.taps.join(', ')}, ${this.tapLogits ? 'trainable' : 'fixed'} weights).`,
        );
      }
      if (!isTensor(value) || value.isDisposed) {
        throw new StateMismatchError(
          `${fn}: '${name}' is not a live tensor; pass the tensors of getState().`,
        );
      }
      if (!tf.util.arraysEqual(value.shape, variable.shape)) {
        throw new StateMismatchError(
          `${fn}: '${name}' has shape [${value.shape.join(', ')}] but this regularizer needs ` +
            `[${variable.shape.join(', ')}]; the tapped layers changed width.`,
        );
      }
    }
    for (const [name] of checkValues ? targets : []) {
      const values = yield tensors[name];
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new NonFiniteValueError(
          PACKAGE,
          `${fn}: '${name}' holds ${values[bad]} at index ${bad}; restore a state saved before training diverged.`,
        );
      }
    }
    for (const [name, variable] of targets) {
      tf.tidy(() => variable.assign(tf.cast(tensors[name], 'float32')));
    }
  }

  /** True after {@link SimilarityRegularizer.dispose}. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Sets every running mean back to 0 (their initial value). */
  resetRunningMeans(): void {
    this.assertLive();
    for (const m of this.runningMeans) tf.tidy(() => m.assign(tf.zerosLike(m)));
  }

  /**
   * Releases the running means, `w` and fixed weights. The model and the feature model share the
   * model's layers and stay the caller's (disposing the model frees them).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of this.runningMeans) m.dispose();
    this.tapLogits?.dispose();
    this.fixedWeights?.dispose();
  }

  /**
   * Tap maps of the k images i followed by the k images j (`[2k, …]` per tap), by `passes`; see
   * {@link SimilarityRegularizerOptions.groupedBatchNorm}. Allocates; call inside a tidy.
   */
  private pairTapOutputs(a: tf.Tensor4D, b: tf.Tensor4D, training: boolean, passes: PairPasses): tf.Tensor[] {
    const grouped = this.groupedBatchNorms;
    // In inference mode batch norm uses its moving statistics: one pass is exact for per-image models.
    if (passes === 'joint' || (!training && grouped)) return this.tapOutputs(tf.concat([a, b], 0), training);
    if (grouped) return withGroupedBatchNorm(grouped, 2, () => this.tapOutputs(tf.concat([a, b], 0), true));
    return concatTaps(this.tapOutputs(a, training), this.tapOutputs(b, training));
  }

  /** The tap feature maps of `images` (allocates; call inside a tidy). */
  private tapOutputs(images: tf.Tensor, training: boolean): tf.Tensor[] {
    const out = this.featureModel.apply(images, { training });
    const all = Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
    return this.outputIndices.map((i) => all[i]);
  }

  private inputShape(): (number | null)[] {
    return [...this.featureModel.inputs[0].shape];
  }

  /** Both pair batches: live `[k ≥ 1, H, W, C]` tensors with the feature model's channels (any H, W). */
  private assertPairImages(fn: string, a: unknown, b: unknown): asserts a is tf.Tensor4D {
    assertImageBatch(fn, 'a', a, this.inputShape(), false);
    assertImageBatch(fn, 'b', b, this.inputShape(), false);
  }

  private assertCentres(fn: string, centres: readonly tf.Tensor1D[]): void {
    if (!Array.isArray(centres) || centres.length !== this.taps.length) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: ${Array.isArray(centres) ? centres.length : 'no array of'} centres for ${this.taps.length} taps; give one [C] tensor per tap.`,
      );
    }
    centres.forEach((c, t) => {
      const want = this.runningMeans[t].shape;
      if (!isTensor(c) || c.isDisposed || !tf.util.arraysEqual(c.shape, want)) {
        throw new ShapeMismatchError(
          PACKAGE,
          `${fn}: centre ${t} must be a live [${want.join(', ')}] tensor (the channels of tap '${this.taps[t]}').`,
        );
      }
    });
  }

  private assertLive(): void {
    if (this.disposed) {
      throw new InvalidOptionError(
        PACKAGE,
        'SimilarityRegularizer: this regularizer was disposed; create a new one.',
      );
    }
  }
}

/**
 * Per-channel mean over every axis but the last. A plain `tf.mean`: with the `@pixsim/backend` wasm kernels it
 * is one average-pooling pass (an earlier `[1, B·H·W] × [B·H·W, C]` product made XNNPACK pack the whole
 * feature map as weights on every call).
 */
function channelMean(f: tf.Tensor): tf.Tensor1D {
  const axes = Array.from({ length: f.rank - 1 }, (_, i) => i);
  return tf.mean(f, axes) as tf.Tensor1D;
}

/** True while `f` of {@link withCheckedStep} runs. */
let imagesChecked = false;

/**
 * Runs `f` (synchronous: no read may wait inside it) with the regularizer's own reads skipped: the
 * finiteness check of its images, for callers that checked them already (the training step, in one fused
 * reduction; the evaluation, asynchronously), and the range check of `S^CNN` in {@link
 * SimilarityRegularizer.lossOf}, for the training step, which checks its loss for NaN itself.
 * Internal: not exported from the package.
 */
export function withCheckedStep<T>(f: () => T): T {
  const previous = imagesChecked;
  imagesChecked = true;
  try {
    return f();
  } finally {
    imagesChecked = previous;
  }
}

/**
 * Throws {@link NonFiniteValueError} when an image batch holds NaN or ±Infinity: in training mode it
 * would set the running means to NaN, and every similarity after it would be NaN.
 */
function assertFiniteImages(fn: string, names: readonly string[], images: readonly tf.Tensor[]): void {
  if (!imagesChecked) runReadsSync(finiteImagesReads(fn, names, images));
}

/**
 * The regularizer's finiteness check of image batches as a `TensorReads` computation, for callers that
 * check first and then run the regularizer under {@link withCheckedStep}. Internal.
 */
export function* finiteImagesReads(
  fn: string,
  names: readonly string[],
  images: readonly tf.Tensor[],
): TensorReads<void> {
  const bad = yield* firstNonFiniteReads(images);
  if (bad >= 0) {
    throw new NonFiniteValueError(
      PACKAGE,
      `${fn}: ${names[bad]} contains NaN or ±Infinity; similarities (and, in training mode, the running ` +
        'means) would be NaN. Clean or drop those images first.',
    );
  }
}
