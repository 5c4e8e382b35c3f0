import type { ImageSize } from './image-ops';

/** Input pixels `first … first + weights.length − 1` and their weights, for one output pixel. */
interface Taps {
  first: number;
  weights: Float64Array;
}

/**
 * Pillow's `BOX` resampling weights from `inSize` to `outSize` pixels along one axis: output pixel `i`
 * covers `[i·s, (i + 1)·s)` in input coordinates (`s = inSize/outSize`, at least one pixel wide) and
 * averages, with equal weights, the input pixels whose centres `j + ½` lie in it.
 */
export function boxTaps(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const support = 0.5 * Math.max(scale, 1);
  const taps: Taps[] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support + 0.5));
    const last = Math.min(inSize, Math.floor(centre + support + 0.5));
    const raw: number[] = [];
    for (let j = first; j < last; j++) {
      const t = (j - centre + 0.5) / Math.max(scale, 1);
      raw.push(t > -0.5 && t <= 0.5 ? 1 : 0);
    }
    const sum = raw.reduce((a, b) => a + b, 0);
    taps.push({ first, weights: Float64Array.from(raw, (v) => (sum === 0 ? 0 : v / sum)) });
  }
  return taps;
}

/** Resamples an `[h, w, c]` image to `[oh, ow, c]` with {@link boxTaps}, rows first then columns (as Pillow). */
export function boxResize(src: ArrayLike<number>, size: ImageSize, oh: number, ow: number): Float64Array {
  const { h, w, c } = size;
  const across = boxTaps(w, ow);
  const down = boxTaps(h, oh);
  const mid = new Float64Array(h * ow * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      const { first, weights } = across[x];
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < weights.length; k++) s += weights[k] * src[(y * w + first + k) * c + ch];
        mid[(y * ow + x) * c + ch] = s;
      }
    }
  }
  const out = new Float64Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    const { first, weights } = down[y];
    for (let x = 0; x < ow; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < weights.length; k++) s += weights[k] * mid[((first + k) * ow + x) * c + ch];
        out[(y * ow + x) * c + ch] = s;
      }
    }
  }
  return out;
}

/**
 * Pixelate: box-downsample to `⌊h·f⌋ × ⌊w·f⌋` (at least 1×1), then box-upsample back to `h × w` (which
 * with Pillow's box filter repeats the nearest small pixel).
 */
export function pixelateImage(src: Float32Array, dst: Float32Array, size: ImageSize, factor: number): void {
  const sh = Math.max(1, Math.floor(size.h * factor));
  const sw = Math.max(1, Math.floor(size.w * factor));
  const small = boxResize(src, size, sh, sw);
  dst.set(boxResize(small, { h: sh, w: sw, c: size.c }, size.h, size.w));
}
