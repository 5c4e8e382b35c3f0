/**
 * How one epoch's per-step `L_sim` values are spread. The epoch mean alone hides the shape the paper's pairs
 * give it: at Th = 0.8 almost every pair batch has a small `L_sim`, and the rare batch holding a ±1 target
 * (an atanh of ±1 clipped far out in log space) carries a value tens of times the median. `fractionAbove1`
 * and `shareAbove1` say how rare those batches are and how much of the epoch's `α·L_sim` they make up.
 */
export interface SimLossSteps {
  /** Pair batches summarised (the steps since the epoch began, or since a resume from an older checkpoint). */
  steps: number;
  /** Quantiles of the per-step `L_sim` (linear interpolation between order statistics, as numpy's default). */
  median: number;
  p90: number;
  p99: number;
  max: number;
  /** Fraction of the pair batches with `L_sim > 1`. */
  fractionAbove1: number;
  /** Share of the epoch's summed `L_sim` carried by those batches (0 when the sum is 0). */
  shareAbove1: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Summarises one epoch's per-step `L_sim` values (see {@link SimLossSteps}); `null` for an epoch without pair
 * batches (no regularization).
 */
export function summarizeSimLossSteps(values: readonly number[]): SimLossSteps | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  let above = 0;
  let count = 0;
  for (const v of values) {
    total += v;
    if (v > 1) {
      above += v;
      count += 1;
    }
  }
  return {
    steps: values.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    fractionAbove1: count / values.length,
    shareAbove1: total > 0 ? above / total : 0,
  };
}
