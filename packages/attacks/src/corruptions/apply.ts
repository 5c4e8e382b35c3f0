import { deriveSeed, SeededRandom } from '../random';
import { correlate, defocusKernel, motionBlur, motionBlurKernel, zoomBlur } from './blur';
import { brightnessImage, contrastImage, saturateImage } from './color';
import { elasticImage } from './elastic';
import { CIFAR10C_PARAMETERS, type CorruptionFamily } from './families';
import type { ImageSize } from './image-ops';
import { gaussianNoiseImage, impulseNoiseImage, shotNoiseImage } from './noise';
import { pixelateImage } from './pixelate';

/** The families that draw random numbers (and so need a seed). */
export const RANDOM_CORRUPTIONS: ReadonlySet<CorruptionFamily> = new Set([
  'gaussian-noise',
  'shot-noise',
  'impulse-noise',
  'motion-blur',
  'elastic-transform',
]);

type ImageFn = (src: Float32Array, dst: Float32Array, rng: SeededRandom) => void;

/** The per-image function of an algorithmic family at a severity (kernels built once). */
function imageCorruption(
  family: Exclude<CorruptionFamily, 'jpeg-compression'>,
  level: number,
  size: ImageSize,
): ImageFn {
  const p = CIFAR10C_PARAMETERS;
  switch (family) {
    case 'gaussian-noise':
      return (src, dst, rng) => gaussianNoiseImage(src, dst, p['gaussian-noise'][level], rng);
    case 'shot-noise':
      return (src, dst, rng) => shotNoiseImage(src, dst, p['shot-noise'][level], rng);
    case 'impulse-noise':
      return (src, dst, rng) => impulseNoiseImage(src, dst, p['impulse-noise'][level], rng);
    case 'defocus-blur': {
      const [radius, aliasBlur] = p['defocus-blur'][level];
      const kernel = defocusKernel(radius, aliasBlur);
      return (src, dst) => correlate(src, dst, size, kernel);
    }
    case 'motion-blur': {
      const [radius, sigma] = p['motion-blur'][level];
      return (src, dst, rng) => {
        const angle = 90 * rng.uniform() - 45;
        motionBlur(src, dst, size, motionBlurKernel(radius, sigma, angle));
      };
    }
    case 'zoom-blur':
      return (src, dst) => zoomBlur(src, dst, size, p['zoom-blur'][level]);
    case 'brightness':
      return (src, dst) => brightnessImage(src, dst, size, p.brightness[level]);
    case 'contrast':
      return (src, dst) => contrastImage(src, dst, size, p.contrast[level]);
    case 'saturate': {
      const [scale, shift] = p.saturate[level];
      return (src, dst) => saturateImage(src, dst, scale, shift);
    }
    case 'pixelate':
      return (src, dst) => pixelateImage(src, dst, size, p.pixelate[level]);
    case 'elastic-transform': {
      const side = Math.min(size.h, size.w);
      const [alpha, sigma, affine] = p['elastic-transform'][level];
      const params = [side * alpha, side * sigma, side * affine] as const;
      return (src, dst, rng) => elasticImage(src, dst, size, params, rng);
    }
  }
}

/**
 * Corrupts `n` images (`[n, h, w, c]` values in [0, 1]) with an algorithmic family at `severity` 1–5.
 * Image `i` draws from its own stream seeded by `(seed, indexOffset + i)`.
 */
export function corruptPixels(
  family: Exclude<CorruptionFamily, 'jpeg-compression'>,
  severity: number,
  pixels: Float32Array,
  n: number,
  size: ImageSize,
  seed: number,
  indexOffset: number,
): Float32Array {
  const d = size.h * size.w * size.c;
  const out = new Float32Array(n * d);
  const apply = imageCorruption(family, severity - 1, size);
  const random = RANDOM_CORRUPTIONS.has(family);
  for (let i = 0; i < n; i++) {
    // Deterministic families never draw; a fixed generator keeps one signature.
    const rng = new SeededRandom(random ? deriveSeed(seed, indexOffset + i) : 0);
    apply(pixels.subarray(i * d, (i + 1) * d), out.subarray(i * d, (i + 1) * d), rng);
  }
  return out;
}
