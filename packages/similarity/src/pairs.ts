import { PACKAGE, InvalidOptionError } from './errors';
import { runReadsSync, type TensorReads } from '@pixsim/core';
import { assertTensorInput, assertThreshold, optionsOf, type SquareMatrix, squareReads } from './validate';

/**
 * Which i<j pairs are sampled for the regularizer (the reference's `range` option):
 * - `all`: every pair;
 * - `high`: `|S| > Th`; `low`: `|S| < Th`;
 * - `positive`: `S > Th` or `|S| < Th`; `negative`: `S < −Th` or `|S| < Th`;
 * - `double`: `|S| > Th` or `|S| < Th2`, with `Th2 < Th`.
 */
export type PairRange = 'all' | 'high' | 'low' | 'positive' | 'negative' | 'double';

export const PAIR_RANGES: readonly PairRange[] = ['all', 'high', 'low', 'positive', 'negative', 'double'];

/** Options of {@link selectPairs}. */
export interface SelectPairsOptions {
  /** Pair range, default `'all'`. */
  range?: PairRange;
  /** Threshold `Th` in (0, 1); required by every range but `all`. */
  th?: number;
  /** Second threshold `Th2` in (0, `Th`); required by `double`. */
  th2?: number;
}

/**
 * The i<j pairs of an N×N similarity matrix that fall in `range`, in row-major order.
 *
 * @returns an `Int32Array` of length `2·P`, interleaved `[i0, j0, i1, j1, …]` (pair p is
 * `(pairs[2p], pairs[2p+1])`). For N = 5,000 and `all` that is 12.5 M pairs in 100 MB.
 */
export function selectPairs(s: SquareMatrix, options: SelectPairsOptions = {}): Int32Array {
  return runReadsSync(selectPairsReads(s, options));
}

/** {@link selectPairs} as a {@link TensorReads} computation (a tensor `S` is read with the driver). */
export function* selectPairsReads(
  s: SquareMatrix,
  options: SelectPairsOptions = {},
): TensorReads<Int32Array> {
  const fn = 'selectPairs';
  options = optionsOf(fn, options);
  if (!(s instanceof Float32Array)) assertTensorInput(fn, 'S', s);
  const range = options.range ?? 'all';
  if (!PAIR_RANGES.includes(range)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: unknown range '${String(range)}'; use one of ${PAIR_RANGES.join(', ')}.`,
    );
  }
  const th = options.th ?? Number.NaN;
  const th2 = options.th2 ?? Number.NaN;
  if (range !== 'all') assertThreshold(fn, 'th', th);
  if (range === 'double') {
    assertThreshold(fn, 'th2', th2);
    if (!(th2 < th)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: range 'double' needs th2 < th, got th = ${th}, th2 = ${th2}.`,
      );
    }
  }
  const { values, n } = yield* squareReads(fn, s);
  const keep = pairPredicate(range, th, th2);

  // Two passes (count, then fill) so the result is allocated once at its exact size.
  let count = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = i + 1; j < n; j++) if (keep(values[row + j])) count++;
  }
  const pairs = new Int32Array(2 * count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = i + 1; j < n; j++) {
      if (keep(values[row + j])) {
        pairs[k++] = i;
        pairs[k++] = j;
      }
    }
  }
  return pairs;
}

function pairPredicate(range: PairRange, th: number, th2: number): (v: number) => boolean {
  switch (range) {
    case 'all':
      return () => true;
    case 'high':
      return (v) => Math.abs(v) > th;
    case 'low':
      return (v) => Math.abs(v) < th;
    case 'positive':
      return (v) => v > th || Math.abs(v) < th;
    case 'negative':
      return (v) => v < -th || Math.abs(v) < th;
    case 'double':
      return (v) => Math.abs(v) > th || Math.abs(v) < th2;
  }
}
