import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, onBackend } from '../testing/wasm';
import { filterGradientPaths, resetFilterGradientPaths } from './filter-gradient-paths';

/** One Conv2DBackpropFilter (the filter gradient of a convolution) of a 3×3 convolution with `cout` output channels on the active backend. */
function filterGradient(cout: number, size = 6): void {
  tf.tidy(() => {
    const x = tf.ones([2, size, size, 3]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 3, cout]) as tf.Tensor4D;
    tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(filter).dataSync();
  });
}

describe('filterGradientPaths', () => {
  beforeAll(loadWasm);

  it('counts which path of the wasm filter-gradient kernel ran', async () => {
    await onBackend('wasm', () => {
      resetFilterGradientPaths();
      expect(filterGradientPaths()).toEqual({ simd: 0, pointwise: 0, shifted: 0, convolution: 0, empty: 0 });
      filterGradient(4);
      filterGradient(8);
      filterGradient(3);
      const counts = filterGradientPaths();
      expect(counts.simd).toBe(2);
      // 3 output channels: one of the fallbacks, exactly once.
      expect(counts.pointwise + counts.shifted + counts.convolution).toBe(1);
      // The result is a copy: later calls do not change it.
      filterGradient(4);
      expect(counts.simd).toBe(2);
      expect(filterGradientPaths().simd).toBe(3);
      resetFilterGradientPaths();
      expect(filterGradientPaths().simd).toBe(0);
    });
  });

  it('counts nothing on another backend', async () => {
    await onBackend('cpu', () => {
      resetFilterGradientPaths();
      filterGradient(4);
      expect(Object.values(filterGradientPaths()).every((v) => v === 0)).toBe(true);
    });
  });
});
