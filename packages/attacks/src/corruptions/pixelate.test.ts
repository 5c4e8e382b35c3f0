import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { corrupt } from './corrupt';
import { boxTaps } from './pixelate';

/** `[1, n, n, 1]` with pixel (y, x) = (n·y + x)/n² (all distinct). */
function indexImage(n: number): { x: tf.Tensor4D; at: (y: number, x: number) => number } {
  const at = (y: number, x: number) => (n * y + x) / (n * n);
  const v = Float32Array.from({ length: n * n }, (_, i) => at(Math.floor(i / n), i % n));
  return { x: tf.tensor4d(v, [1, n, n, 1]), at };
}

/** Expected pixelation: output (y, x) = the mean of input rows R[y] × columns R[x]. */
function expected(n: number, groups: number[][], at: (y: number, x: number) => number): number[] {
  const out: number[] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (const r of groups[y]) for (const c of groups[x]) s += at(r, c);
      out.push(s / (groups[y].length * groups[x].length));
    }
  }
  return out;
}

describe('pixelate (Pillow BOX down to ⌊side·f⌋, then BOX back up; f = 0.95, 0.9, 0.85, 0.75, 0.65)', () => {
  it('4×4 at severity 5: down to ⌊2.6⌋ = 2 (2×2 block means), up by repeating them', () => {
    const { x, at } = indexImage(4);
    const y = corrupt(x, 'pixelate', 5);
    const groups = [
      [0, 1],
      [0, 1],
      [2, 3],
      [2, 3],
    ];
    expect(Array.from(y.dataSync())).toEqual(expected(4, groups, at).map((v) => expect.closeTo(v, 7)));
    tf.dispose([x, y]);
  });

  it('8×8 at severity 4: down to 6 averages pixels 1–2 and 5–6 (centres in one box), up repeats them', () => {
    // 8 → 6: boxes of 4/3 px; centres 0.5 | 1.5, 2.5 | 3.5 | 4.5 | 5.5, 6.5 | 7.5. 6 → 8: nearest small pixel.
    const { x, at } = indexImage(8);
    const y = corrupt(x, 'pixelate', 4);
    const groups = [[0], [1, 2], [1, 2], [3], [4], [5, 6], [5, 6], [7]];
    expect(Array.from(y.dataSync())).toEqual(expected(8, groups, at).map((v) => expect.closeTo(v, 7)));
    tf.dispose([x, y]);
  });

  it('8×8 at severities 1–3 (⌊7.6⌋, ⌊7.2⌋, ⌊6.8⌋ = 7, 7, 6): one pair or two pairs merged', () => {
    const { x, at } = indexImage(8);
    // 8 → 7: boxes of 8/7 px; only box 3 ([3.43, 4.57)) holds two centres (3.5 and 4.5); 7 → 8 repeats it.
    const seven = [[0], [1], [2], [3, 4], [3, 4], [5], [6], [7]];
    for (const s of [1, 2]) {
      const y = corrupt(x, 'pixelate', s);
      expect(Array.from(y.dataSync())).toEqual(expected(8, seven, at).map((v) => expect.closeTo(v, 7)));
      y.dispose();
    }
    const y = corrupt(x, 'pixelate', 3);
    const six = [[0], [1, 2], [1, 2], [3], [4], [5, 6], [5, 6], [7]];
    expect(Array.from(y.dataSync())).toEqual(expected(8, six, at).map((v) => expect.closeTo(v, 7)));
    tf.dispose([x, y]);
  });

  it('3×3 at severity 4 (⌊2.25⌋ = 2): a centre on a box edge belongs to the box on its left (Pillow’s (−½, ½])', () => {
    // 3 → 2: boxes [0, 1.5] and (1.5, 3]; pixel 1's centre 1.5 is on the edge, so box 0 = {0, 1}, box 1 = {2}.
    // 2 → 3: nearest small pixel of ⌊(j + ½)·2/3⌋ = 0, 1, 1.
    const { x, at } = indexImage(3);
    const y = corrupt(x, 'pixelate', 4);
    const groups = [[0, 1], [2], [2]];
    expect(Array.from(y.dataSync())).toEqual(expected(3, groups, at).map((v) => expect.closeTo(v, 7)));
    tf.dispose([x, y]);
  });

  it('32 → 30 (CIFAR, severity 1): 30 boxes of 16/15 px, two of which hold two pixel centres', () => {
    const taps = boxTaps(32, 30);
    const sizes = taps.map((t) => t.weights.filter((w) => w > 0).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(32);
    // Box i covers [16i/15, 16(i + 1)/15): centres j + ½ fall twice into boxes 7 and 22.
    expect(sizes.map((n, i) => (n === 2 ? i : -1)).filter((i) => i >= 0)).toEqual([7, 22]);
    for (const t of taps) for (const w of t.weights) expect([0, 0.5, 1]).toContain(w);
  });
});
