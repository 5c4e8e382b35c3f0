import { describe, expect, it } from 'vitest';
import { transpose4Into } from './heap-transpose';

/** Reference: the element at output index `[a, b, c, d]` is the input at the inverse-permuted index. */
function reference(input: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const out = new Float32Array(input.length);
  const idx = [0, 0, 0, 0];
  let dst = 0;
  for (idx[0] = 0; idx[0] < outShape[0]; idx[0]++)
    for (idx[1] = 0; idx[1] < outShape[1]; idx[1]++)
      for (idx[2] = 0; idx[2] < outShape[2]; idx[2]++)
        for (idx[3] = 0; idx[3] < outShape[3]; idx[3]++) {
          const src = [0, 0, 0, 0];
          perm.forEach((p, k) => {
            src[p] = idx[k];
          });
          out[dst++] = input[((src[0] * shape[1] + src[1]) * shape[2] + src[2]) * shape[3] + src[3]];
        }
  return out;
}

describe('transpose4Into', () => {
  // 3×5 = 15 positions: not a multiple of the 8-position block of the [3, 1, 2, 0] loop.
  const shape = [4, 3, 5, 6];
  const input = Float32Array.from({ length: 4 * 3 * 5 * 6 }, (_, i) => i * 0.5 - 7);
  for (const perm of [
    [3, 1, 2, 0],
    [1, 2, 0, 3],
    [0, 2, 1, 3],
    [3, 2, 1, 0],
  ]) {
    it(`matches the index-by-index transpose for perm [${perm}]`, () => {
      const out = new Float32Array(input.length).fill(Number.NaN);
      transpose4Into(input, shape, perm, out);
      expect(Array.from(out)).toEqual(Array.from(reference(input, shape, perm)));
    });
  }
});
