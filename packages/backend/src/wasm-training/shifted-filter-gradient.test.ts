import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  caseInfo,
  directFilterGradient,
  type FilterGradientCase,
  randomValues,
  referenceFilterGradient,
} from '../testing/filter-gradient';
import { expectInputsUntouched, loadWasm, maxRelativeError, onBackend } from '../testing/wasm';
import { planShiftedFilterGradient, shiftedFilterGradient } from './shifted-filter-gradient';

/** Same parity metric and tolerance as the convolution parity suite. */
const TOLERANCE = 1e-4;

// Shapes on which the shifted-view product is taken (asserted below), so this suite tests that path.
const cases: FilterGradientCase[] = [
  { x: [2, 16, 16, 3], k: [3, 3], cout: 5, pad: 'same' },
  { x: [1, 16, 16, 4], k: [3, 3], cout: 3, pad: 'valid' },
  { x: [3, 20, 17, 2], k: [3, 3], cout: 4, pad: 'same' },
  { x: [2, 24, 24, 3], k: [4, 4], cout: 2, pad: 'same' }, // even kernel: 1 row above, 2 below
  { x: [2, 18, 21, 3], k: [3, 5], cout: 4, pad: 'same' },
  {
    x: [2, 18, 18, 2],
    k: [3, 3],
    cout: 3,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 64, 64, 1], k: [7, 7], cout: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], k: [3, 3], cout: 3, pad: 'same' }, // one shared zero row/column between images/rows
  { x: [2, 32, 32, 3], k: [3, 3], cout: 4, pad: 'same', stride: 2 }, // phases: 1 row below only
  { x: [2, 33, 31, 2], k: [3, 3], cout: 3, pad: 'same', stride: 2 }, // odd sizes: unequal phases
  { x: [2, 32, 32, 2], k: [7, 7], cout: 3, pad: 'same', stride: 2 }, // 4 phases, shifts −1…2
  { x: [1, 36, 36, 2], k: [3, 3], cout: 2, pad: 'valid', stride: 3 },
  {
    x: [2, 34, 34, 3],
    k: [4, 4],
    cout: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ],
    stride: 2,
  },
];

describe('shifted-view filter gradient (the fallback for output channels not in whole SIMD vectors)', () => {
  beforeAll(loadWasm);

  it.each(cases)('x=$x k=$k $pad stride $stride matches cpu', async (c) => {
    const plan = planShiftedFilterGradient(caseInfo(c));
    expect(plan).not.toBeNull();
    const cpu = referenceFilterGradient(c);
    const wasm = await onBackend('wasm', () =>
      directFilterGradient(c, (backend, x, dy, info) => shiftedFilterGradient(backend, x, dy, info, plan!)),
    );
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
  });

  it('plans the grid: shared zero rows and columns, phases by stride, none for small activations', () => {
    const plan = (x: [number, number, number, number], k: number, stride: number) =>
      planShiftedFilterGradient(backend_util.computeConv2DInfo(x, [k, k, x[3], 4], stride, 1, 'same'));
    // 3×3 'same', stride 1: one zero column between rows and one zero row between images.
    expect(plan([2, 32, 32, 3], 3, 1)).toMatchObject({ rows: 33, cols: 33, lead: 34, phases: [[0, 0]] });
    expect(plan([2, 32, 32, 3], 3, 1)?.taps.map((t) => [t.du, t.dv])).toEqual([
      [-1, -1],
      [-1, 0],
      [-1, 1],
      [0, -1],
      [0, 0],
      [0, 1],
      [1, -1],
      [1, 0],
      [1, 1],
    ]);
    // stride 2 'same' on 32: no padding above/left, one row/column below/right; four phases.
    const s2 = plan([2, 32, 32, 3], 3, 2);
    expect(s2).toMatchObject({ rows: 17, cols: 17, lead: 0 });
    expect(s2?.phases).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    // 4×4 activations: 25 grid positions for 16 outputs, too much extra work.
    expect(plan([2, 4, 4, 3], 3, 1)).toBeNull();
  });

  it('keeps the inputs intact, their reference counts, and frees its grid buffers and views', async () => {
    await onBackend('wasm', () => {
      const x = tf.tensor4d(randomValues([2, 16, 16, 3], 4), [2, 16, 16, 3]);
      const dy = tf.tensor4d(randomValues([2, 16, 16, 5], 6), [2, 16, 16, 5]);
      expectInputsUntouched([x, dy], () => {
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] };
        const df = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
        expect(df.shape).toEqual([3, 3, 3, 5]);
        df.dispose();
      });
      tf.dispose([x, dy]);
    });
  });
});
