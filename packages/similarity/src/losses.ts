import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError, ShapeMismatchError } from './errors';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { assertTensorInput, optionsOf, tensorRangeReads } from './validate';

/**
 * Scaling of {@link atanhSquaredLoss}:
 * - `'reference'`: the reference implementation's `(log(1+x+ε) − log(1−x+ε) − log(1+y+ε) + log(1−y+ε))²`,
 *   i.e. `4·(atanh x − atanh y)²`. The paper's α values assume this.
 * - `'half'`: the textbook `(atanh x − atanh y)²` (¼ of the reference).
 */
export type AtanhLossScale = 'reference' | 'half';

/** Options of {@link atanhSquaredLoss}. */
export interface AtanhLossOptions {
  /** ε inside the logs (not a clip), so targets of ±1 stay finite: ±1 maps to about ±12.2. Default 1e-5. */
  eps?: number;
  /** Default `'reference'`. */
  scale?: AtanhLossScale;
  /**
   * Check that `pred` and `target` lie in [−1, 1] first (one reduction and a read; throws
   * {@link NonFiniteValueError}). Default `true`. `false` skips the read, for callers that check the loss
   * for NaN themselves: the regularizer's training step, whose loss is computed inside a gradient
   * function, where no read can wait for the `webgpu` engine.
   */
  checkRange?: boolean;
}

/** Options of {@link mseLoss}. */
export interface MseLossOptions {
  /** Check both arguments for NaN/±Infinity first (one read each). Default `true`; see {@link AtanhLossOptions.checkRange}. */
  checkRange?: boolean;
}

function assertSameShape(fn: string, pred: tf.Tensor, target: tf.Tensor): void {
  assertTensorInput(fn, 'pred', pred);
  assertTensorInput(fn, 'target', target);
  if (!tf.util.arraysEqual(pred.shape, target.shape)) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: pred and target must have the same shape (one value per pair), got [${pred.shape.join(', ')}] ` +
        `and [${target.shape.join(', ')}].`,
    );
  }
  if (pred.size === 0) {
    throw new ShapeMismatchError(
      PACKAGE,
      `${fn}: no pairs given (empty tensors); the mean over zero pairs is undefined.`,
    );
  }
}

/**
 * The similarity loss `L_sim` of eq. 2, averaged over pairs: `mean((atanh S^CNN − atanh S^target)²)`,
 * with atanh computed as `½·(log(1+x+ε) − log(1−x+ε))` and the scaling of `scale`; with the reference scaling,
 *
 * $$L_\text{sim} = \frac{1}{P}\sum_{(i,j)} \Big(\log\frac{1 + S^\text{CNN}_{ij} + \varepsilon}{1 - S^\text{CNN}_{ij} + \varepsilon} - \log\frac{1 + S^\text{target}_{ij} + \varepsilon}{1 - S^\text{target}_{ij} + \varepsilon}\Big)^2.$$
 *
 * Differentiable in both arguments. Inputs must lie in [−1, 1] (cosine similarities and `S^Th`).
 *
 * @param pred - the network's similarities `S^CNN`, one per pair.
 * @param target - the targets `S^target` (e.g. entries of `S^Th`), same shape.
 * @returns scalar loss.
 */
export function atanhSquaredLoss(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: AtanhLossOptions = {},
): tf.Scalar {
  return runReadsSync(atanhSquaredLossReads(pred, target, options));
}

/**
 * {@link atanhSquaredLoss} as a {@link TensorReads} computation: its range checks read with the driver
 * (`runReadsAsync` on engines without synchronous reads). Returns the scalar the caller disposes.
 */
export function* atanhSquaredLossReads(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: AtanhLossOptions = {},
): TensorReads<tf.Scalar> {
  const fn = 'atanhSquaredLoss';
  assertSameShape(fn, pred, target);
  const opts = optionsOf(fn, options);
  const eps = opts.eps ?? 1e-5;
  if (!(eps > 0 && eps < 1))
    throw new InvalidOptionError(PACKAGE, `${fn}: eps must be in (0, 1), got ${eps}.`);
  const scale = opts.scale ?? 'reference';
  if (scale !== 'reference' && scale !== 'half') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: scale must be 'reference' or 'half', got ${String(scale)}.`,
    );
  }
  // Beyond ±(1 + ε) a log argument turns negative (NaN); float rounding of a cosine stays well inside.
  const fix = 'similarities must lie in [−1, 1]; compute pred with cosineSimilarity and targets as S^Th.';
  if (opts.checkRange ?? true) {
    yield* tensorRangeReads(fn, 'pred', pred, -1 - eps / 2, 1 + eps / 2, fix);
    yield* tensorRangeReads(fn, 'target', target, -1, 1, fix);
  }
  return tf.tidy(() => {
    // (1 ± x) + ε in this order, as the reference does: folding 1 + ε first loses ε to float32 rounding.
    const logRatio = (x: tf.Tensor) =>
      tf.sub(tf.log(tf.add(tf.add(x, 1), eps)), tf.log(tf.add(tf.sub(1, x), eps)));
    const diff = tf.sub(logRatio(tf.cast(pred, 'float32')), logRatio(tf.cast(target, 'float32')));
    const sq = tf.mean(tf.square(diff));
    return (scale === 'half' ? tf.mul(sq, 0.25) : sq) as tf.Scalar;
  });
}

/** Mean squared error between similarities, `mean((S^CNN − S^target)²)`: the reference's non-atanh option. */
export function mseLoss(pred: tf.Tensor, target: tf.Tensor, options: MseLossOptions = {}): tf.Scalar {
  return runReadsSync(mseLossReads(pred, target, options));
}

/** {@link mseLoss} as a {@link TensorReads} computation (see {@link atanhSquaredLossReads}). */
export function* mseLossReads(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: MseLossOptions = {},
): TensorReads<tf.Scalar> {
  assertSameShape('mseLoss', pred, target);
  const opts = optionsOf('mseLoss', options);
  const fix = 'clean or drop the non-finite similarities first.';
  if (opts.checkRange ?? true) {
    yield* tensorRangeReads('mseLoss', 'pred', pred, -Number.MAX_VALUE, Number.MAX_VALUE, fix);
    yield* tensorRangeReads('mseLoss', 'target', target, -Number.MAX_VALUE, Number.MAX_VALUE, fix);
  }
  return tf.tidy(
    () => tf.mean(tf.square(tf.sub(tf.cast(pred, 'float32'), tf.cast(target, 'float32')))) as tf.Scalar,
  );
}
