import {
  bilinear,
  clampIndex,
  clip01,
  gaussianWeights,
  type ImageSize,
  reflect101,
  roundHalfEven,
  separableFilter,
} from './image-ops';

/** A 2-D kernel `[kh, kw]` (row-major), centred at `(cy, cx)`. */
export interface Kernel2D {
  weights: Float64Array;
  kh: number;
  kw: number;
  cy: number;
  cx: number;
}

/**
 * The defocus kernel of CIFAR-10-C: the 17×17 disk `x² + y² ≤ r²` normalised to sum 1, anti-aliased by a
 * 3×3 Gaussian of σ = `aliasBlur` (OpenCV's `GaussianBlur`, border reflect-101), then trimmed to its
 * non-zero rows and columns (which leaves every product of the correlation unchanged).
 */
export function defocusKernel(radius: number, aliasBlur: number): Kernel2D {
  const size = 17;
  const half = 8;
  let disk: Float64Array = new Float64Array(size * size);
  let count = 0;
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * size + x + half] = 1;
        count++;
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i] /= count;
  disk = separableFilter(disk, size, size, gaussianWeights(aliasBlur, 1), reflect101);
  let top = size;
  let bottom = -1;
  let left = size;
  let right = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (disk[y * size + x] !== 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  const kh = bottom - top + 1;
  const kw = right - left + 1;
  const weights = new Float64Array(kh * kw);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) weights[y * kw + x] = disk[(y + top) * size + x + left];
  }
  return { weights, kh, kw, cy: half - top, cx: half - left };
}

/** `dst = clip(src ⋆ kernel)` per channel (correlation, as OpenCV's `filter2D`; border reflect-101). */
export function correlate(src: Float32Array, dst: Float32Array, size: ImageSize, kernel: Kernel2D): void {
  const { h, w, c } = size;
  const { weights, kh, kw, cy, cx } = kernel;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = 0; i < kh; i++) {
          const row = reflect101(y + i - cy, h) * w;
          for (let j = 0; j < kw; j++)
            s += weights[i * kw + j] * src[(row + reflect101(x + j - cx, w)) * c + ch];
        }
        dst[(y * w + x) * c + ch] = clip01(s);
      }
    }
  }
}

/** Taps of a motion-blur kernel: pixel offsets `(dx[i], dy[i])` with weights summing to 1. */
export interface MotionKernel {
  dx: Int32Array;
  dy: Int32Array;
  weights: Float64Array;
}

/**
 * ImageMagick's motion-blur kernel (as `MagickMotionBlurImage`, which CIFAR-10-C calls): `2·⌈radius⌉ + 1`
 * taps `i = 0, 1, …` along the ray at `angle` degrees (x right, y down), at the offsets
 * `(⌈i·cos a − ½⌉, ⌈i·sin a − ½⌉)`, weighted by the one-sided Gaussian `exp(−i²/2σ²)`, normalised.
 */
export function motionBlurKernel(radius: number, sigma: number, angle: number): MotionKernel {
  const width = 2 * Math.ceil(radius) + 1;
  const a = (angle * Math.PI) / 180;
  const dx = new Int32Array(width);
  const dy = new Int32Array(width);
  const weights = new Float64Array(width);
  let sum = 0;
  for (let i = 0; i < width; i++) {
    dx[i] = Math.ceil(i * Math.cos(a) - 0.5);
    dy[i] = Math.ceil(i * Math.sin(a) - 0.5);
    weights[i] = Math.exp((-i * i) / (2 * sigma * sigma));
    sum += weights[i];
  }
  for (let i = 0; i < width; i++) weights[i] /= sum;
  return { dx, dy, weights };
}

/** `dst(x, y) = clip(Σᵢ wᵢ·src(x + dxᵢ, y + dyᵢ))` per channel; outside pixels repeat the edge (ImageMagick's default). */
export function motionBlur(
  src: Float32Array,
  dst: Float32Array,
  size: ImageSize,
  kernel: MotionKernel,
): void {
  const { h, w, c } = size;
  const { dx, dy, weights } = kernel;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = 0; i < weights.length; i++) {
          s += weights[i] * src[(clampIndex(y + dy[i], h) * w + clampIndex(x + dx[i], w)) * c + ch];
        }
        dst[(y * w + x) * c + ch] = clip01(s);
      }
    }
  }
}

/**
 * Adds to `acc` the reference's `clipped_zoom`: the central `⌈h/z⌉ × ⌈w/z⌉` crop, zoomed by `z` with
 * SciPy's linear `zoom` (output side `round(side·z)`, corners aligned), its centre `h × w` kept.
 */
export function addClippedZoom(src: ArrayLike<number>, acc: Float64Array, size: ImageSize, z: number): void {
  const { h, w, c } = size;
  const axis = (n: number) => {
    const crop = Math.ceil(n / z);
    const zoomed = roundHalfEven(crop * z);
    // Source coordinate of output pixel i: crop start + zoomed index · (crop − 1)/(zoomed − 1).
    const scale = zoomed > 1 ? (crop - 1) / (zoomed - 1) : 0;
    const start = Math.floor((n - crop) / 2);
    const trim = Math.floor((zoomed - n) / 2);
    return (i: number) => start + (i + trim) * scale;
  };
  const ys = axis(h);
  const xs = axis(w);
  for (let y = 0; y < h; y++) {
    const sy = ys(y);
    for (let x = 0; x < w; x++) {
      const sx = xs(x);
      for (let ch = 0; ch < c; ch++) acc[(y * w + x) * c + ch] += bilinear(src, size, sy, sx, ch, clampIndex);
    }
  }
}

/** Zoom blur: `clip((x + Σ_z clippedZoom(x, z)) / (count + 1))` over the zoom factors `1 + 0.01·k, k < count`. */
export function zoomBlur(src: Float32Array, dst: Float32Array, size: ImageSize, count: number): void {
  const acc = new Float64Array(src.length);
  for (let k = 0; k < count; k++) addClippedZoom(src, acc, size, 1 + 0.01 * k);
  for (let i = 0; i < src.length; i++) dst[i] = clip01((src[i] + acc[i]) / (count + 1));
}
