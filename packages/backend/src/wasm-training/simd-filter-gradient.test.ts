import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  definitionFilterGradient,
  directFilterGradient,
  type FilterGradientCase,
  randomValues,
  referenceFilterGradient,
} from '../testing/filter-gradient';
import { expectInputsUntouched, loadWasm, maxRelativeError, onBackend } from '../testing/wasm';
import { UnsupportedKernelInputError } from '../errors';
import type { WasmBackendLike } from './kernel-context';
import {
  simdFilterGradient,
  simdFilterGradientApplies,
  simdFilterGradientKernels,
} from './simd-filter-gradient';

/** Same parity metric and tolerance as the convolution parity suite. */
const TOLERANCE = 1e-4;

// Channel counts exercise every kernel variant: C in whole tiles of 4 and tails of 1–3, O in tiles of 8
// and a tail of 4; geometry covers strides 1–3, 'same'/'valid'/asymmetric padding, filters larger than the
// image, runs cut at the image border and rows wholly in the padding.
const cases: FilterGradientCase[] = [
  { x: [2, 9, 8, 3], k: [3, 3], cout: 4, pad: 'same' },
  { x: [3, 8, 11, 5], k: [3, 3], cout: 12, pad: 'valid', stride: 2 },
  { x: [1, 9, 9, 6], k: [7, 7], cout: 8, pad: 'same' },
  { x: [2, 5, 5, 8], k: [7, 7], cout: 16, pad: 'same', stride: 2 },
  { x: [2, 16, 16, 16], k: [1, 1], cout: 32, pad: 'same', stride: 2 },
  { x: [1, 6, 6, 2], k: [3, 3], cout: 4, pad: 'valid' },
  { x: [4, 32, 32, 16], k: [3, 3], cout: 16, pad: 'same' },
  {
    x: [2, 17, 19, 7],
    k: [4, 4],
    cout: 8,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
    stride: 3,
  },
  {
    x: [1, 4, 4, 1],
    k: [3, 3],
    cout: 4,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  },
];

const viaSimd = (c: FilterGradientCase) =>
  directFilterGradient(c, (backend, x, dy, info) => {
    const kernels = simdFilterGradientKernels(backend);
    if (kernels === null) throw new Error('the SIMD kernels did not instantiate');
    return simdFilterGradient(backend, kernels, x, dy, info);
  });

describe('SIMD filter gradient (generated WebAssembly kernel on the backend memory)', () => {
  beforeAll(loadWasm);

  it('instantiates once per backend memory', async () => {
    await onBackend('wasm', () => {
      const backend = tf.backend() as unknown as WasmBackendLike;
      const kernels = simdFilterGradientKernels(backend);
      expect(kernels).not.toBeNull();
      expect(Object.keys(kernels?.kernels ?? {}).sort()).toEqual(
        ['fg_1_1', 'fg_1_2', 'fg_2_1', 'fg_2_2', 'fg_3_1', 'fg_3_2', 'fg_4_1', 'fg_4_2', 'fg_run'].sort(),
      );
      expect(kernels?.workers).toBeUndefined(); // single-threaded build: no helper threads
      expect(simdFilterGradientKernels(backend)?.kernels).toBe(kernels?.kernels);
    });
  });

  it('applies only to output channels in whole SIMD vectors', () => {
    const info = (o: number) => ({ dataId: {}, dtype: 'float32' as const, shape: [1, 4, 4, o] });
    expect(simdFilterGradientApplies(info(4))).toBe(true);
    expect(simdFilterGradientApplies(info(12))).toBe(true);
    expect(simdFilterGradientApplies(info(6))).toBe(false);
  });

  it.each(cases)('x=$x k=$k $pad stride $stride matches cpu', async (c) => {
    const cpu = referenceFilterGradient(c);
    const simd = await onBackend('wasm', () => viaSimd(c));
    expect(maxRelativeError(simd, cpu)).toBeLessThan(TOLERANCE);
  });

  const runFilterKernel = (
    xShape: [number, number, number, number],
    dyShape: [number, number, number, number],
    k: [number, number],
    stride: number,
    pad: 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]],
  ) => {
    const x = tf.tensor4d(randomValues(xShape, 11), xShape);
    const dy = tf.tensor4d(randomValues(dyShape, 12), dyShape);
    try {
      const df = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: stride, pad, dataFormat: 'NHWC', filterShape: [...k, xShape[3], dyShape[3]] },
        ) as tf.Tensor;
      const values = {
        shape: df.shape,
        data: df.dataSync() as Float32Array,
        x: x.dataSync(),
        dy: dy.dataSync(),
      };
      df.dispose();
      return values;
    } finally {
      tf.dispose([x, dy]);
    }
  };

  it('returns zeros when there is no output position (batch 0, output width 0), on every path', async () => {
    await onBackend('wasm', () => {
      for (const cout of [4, 3]) {
        const empty = runFilterKernel([0, 6, 6, 2], [0, 6, 6, cout], [3, 3], 1, 'same');
        expect(empty.shape).toEqual([3, 3, 2, cout]);
        expect(Array.from(empty.data).every((v) => v === 0)).toBe(true);
        // A 'valid' filter wider than the input: output width 0.
        const narrow = runFilterKernel([1, 5, 2, 4], [1, 3, 0, cout], [3, 3], 1, 'valid');
        expect(narrow.shape).toEqual([3, 3, 4, cout]);
        expect(Array.from(narrow.data).every((v) => v === 0)).toBe(true);
      }
    });
  });

  it('crops with negative explicit padding like the definition (SIMD path), and refuses it elsewhere', async () => {
    await onBackend('wasm', () => {
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [-1, 2],
        [2, -2],
        [0, 0],
      ];
      // H: 9 − 1 + 2 = 10 → (10 − 3)/2 + 1 = 4 rows; W: 8 + 2 − 2 = 8 → 3 columns.
      const r = runFilterKernel([2, 9, 8, 3], [2, 4, 3, 8], [3, 3], 2, pad);
      const expected = definitionFilterGradient(r.x, [2, 9, 8, 3], r.dy, [2, 4, 3, 8], [3, 3], 2, -1, 2);
      expect(maxRelativeError(r.data, expected)).toBeLessThan(TOLERANCE);
      expect(() => runFilterKernel([2, 9, 8, 3], [2, 4, 3, 6], [3, 3], 2, pad)).toThrow(
        UnsupportedKernelInputError,
      );
    });
  });

  it('is what Conv2DBackpropFilter runs on wasm, with the same values', async () => {
    const c = cases[1];
    const direct = await onBackend('wasm', () => viaSimd(c));
    const registered = await onBackend('wasm', () => referenceFilterGradient(c));
    expect(registered).toEqual(direct);
  });

  it('keeps working when the backend heap grows after the kernels were instantiated', async () => {
    const c = cases[6];
    const before = await onBackend('wasm', () => viaSimd(c));
    const after = await onBackend('wasm', () => {
      const ballast = tf.zeros([64, 1024, 1024]); // 256 MB: the heap must grow
      const values = viaSimd(c);
      ballast.dispose();
      return values;
    });
    expect(after).toEqual(before);
  });

  it('keeps the inputs intact, their reference counts, and frees its run table', async () => {
    await onBackend('wasm', () => {
      const x = tf.tensor4d(randomValues([2, 9, 9, 6], 4), [2, 9, 9, 6]);
      const dy = tf.tensor4d(randomValues([2, 5, 5, 8], 6), [2, 5, 5, 8]);
      expectInputsUntouched([x, dy], () => {
        const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 6, 8] };
        const df = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
        expect(df.shape).toEqual([3, 3, 6, 8]);
        df.dispose();
      });
      tf.dispose([x, dy]);
    });
  });
});
