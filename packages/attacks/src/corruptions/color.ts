import { clip01, type ImageSize } from './image-ops';

/** `[h, s, v]` of an RGB pixel as scikit-image's `rgb2hsv`: h ∈ [0, 1), s = 0 and h = 0 where r = g = b. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const delta = v - Math.min(r, g, b);
  if (delta === 0) return [0, 0, v];
  const s = delta / v;
  let h: number;
  if (r === v) h = (g - b) / delta;
  else if (g === v) h = 2 + (b - r) / delta;
  else h = 4 + (r - g) / delta;
  h = (((h / 6) % 1) + 1) % 1;
  return [h, s, v];
}

/** RGB of an HSV pixel as scikit-image's `hsv2rgb`. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const h6 = h * 6;
  const sector = Math.floor(h6);
  const f = h6 - sector;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (((sector % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** Applies `(h, s, v) ↦ (h, s', v')` to every RGB pixel, then clips. */
function mapHsv(src: Float32Array, dst: Float32Array, f: (hsv: [number, number, number]) => void): void {
  for (let i = 0; i < src.length; i += 3) {
    const hsv = rgbToHsv(src[i], src[i + 1], src[i + 2]);
    f(hsv);
    const [r, g, b] = hsvToRgb(hsv[0], hsv[1], hsv[2]);
    dst[i] = clip01(r);
    dst[i + 1] = clip01(g);
    dst[i + 2] = clip01(b);
  }
}

/**
 * Brightness: the HSV value becomes `min(V + c, 1)`. Grey images (C = 1) are their own V (h = s = 0), so
 * this is `min(x + c, 1)` there, the same as for a grey RGB pixel.
 */
export function brightnessImage(src: Float32Array, dst: Float32Array, size: ImageSize, c: number): void {
  if (size.c === 1) {
    for (let i = 0; i < src.length; i++) dst[i] = clip01(src[i] + c);
    return;
  }
  mapHsv(src, dst, (hsv) => {
    hsv[2] = clip01(hsv[2] + c);
  });
}

/** Saturate (RGB only): the HSV saturation becomes `clip(S·scale + shift)`. */
export function saturateImage(src: Float32Array, dst: Float32Array, scale: number, shift: number): void {
  mapHsv(src, dst, (hsv) => {
    hsv[1] = clip01(hsv[1] * scale + shift);
  });
}

/** Contrast: `clip((x − m)·c + m)` with `m` the mean of each channel over the image. */
export function contrastImage(src: Float32Array, dst: Float32Array, size: ImageSize, c: number): void {
  const channels = size.c;
  const pixels = size.h * size.w;
  const means = new Float64Array(channels);
  for (let i = 0; i < src.length; i++) means[i % channels] += src[i];
  for (let ch = 0; ch < channels; ch++) means[ch] /= pixels;
  for (let i = 0; i < src.length; i++) {
    const m = means[i % channels];
    dst[i] = clip01((src[i] - m) * c + m);
  }
}
