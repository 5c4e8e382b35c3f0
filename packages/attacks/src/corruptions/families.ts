import { describeValue } from '@pixsim/core';
import {
  CorruptionUnavailableError,
  type CorruptionUnavailableReason,
  InvalidSeverityError,
  UnknownCorruptionError,
} from '../errors';

/**
 * The common corruptions this package computes (Hendrycks & Dietterich 2019), with CIFAR-10-C's parameters.
 * Noise: `gaussian-noise`, `shot-noise`, `impulse-noise`; blur: `defocus-blur`, `motion-blur`, `zoom-blur`;
 * weather: `brightness`; digital: `contrast`, `elastic-transform`, `pixelate`, `jpeg-compression`; extra:
 * `saturate`. `jpeg-compression` needs an encoder (see {@link JpegCodec}).
 */
export type CorruptionFamily =
  | 'gaussian-noise'
  | 'shot-noise'
  | 'impulse-noise'
  | 'defocus-blur'
  | 'motion-blur'
  | 'zoom-blur'
  | 'brightness'
  | 'contrast'
  | 'elastic-transform'
  | 'pixelate'
  | 'jpeg-compression'
  | 'saturate';

/** Every {@link CorruptionFamily}, in CIFAR-10-C's order. Their indices seed the evaluation's streams. */
export const CORRUPTION_FAMILIES: readonly CorruptionFamily[] = Object.freeze([
  'gaussian-noise',
  'shot-noise',
  'impulse-noise',
  'defocus-blur',
  'motion-blur',
  'zoom-blur',
  'brightness',
  'contrast',
  'elastic-transform',
  'pixelate',
  'jpeg-compression',
  'saturate',
]);

/** The families that need no encoder: the default of the synchronous evaluation. */
export const ALGORITHMIC_CORRUPTIONS: readonly CorruptionFamily[] = Object.freeze(
  CORRUPTION_FAMILIES.filter((f) => f !== 'jpeg-compression'),
);

/** Reference families this package does not compute, and why (see {@link CorruptionUnavailableError}). */
const UNAVAILABLE: Readonly<Record<string, { reason: CorruptionUnavailableReason; why: string }>> = {
  frost: {
    reason: 'texture-files',
    why: 'frost blends crops of six photographs of frost that the reference ships as image files (frost1.png … frost6.jpg); they are not part of this package',
  },
  fog: {
    reason: 'not-implemented',
    why: 'fog (a seeded plasma fractal added to the image) is not reproduced by this package yet',
  },
  snow: {
    reason: 'not-implemented',
    why: 'snow (a zoomed, thresholded and motion-blurred noise layer) is not reproduced by this package yet',
  },
  'glass-blur': {
    reason: 'not-implemented',
    why: 'glass blur (Gaussian blur with local pixel shuffles) is not reproduced by this package yet',
  },
};

/** The severities of CIFAR-10-C. */
export const CORRUPTION_SEVERITIES: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

/**
 * CIFAR-10-C's constants per severity 1–5 (the CIFAR variant of the reference `make_cifar_c.py`, not
 * ImageNet-C's). Pixel sizes (blur radii) are absolute; elastic sizes are fractions of the image side.
 */
export const CIFAR10C_PARAMETERS = Object.freeze({
  /** σ of `clip(x + N(0, σ²))`. */
  'gaussian-noise': [0.04, 0.06, 0.08, 0.09, 0.1] as const,
  /** λ of `clip(Poisson(λ·x) / λ)`. */
  'shot-noise': [500, 250, 100, 75, 50] as const,
  /** Fraction of values set to 0 or 1 (equal odds). */
  'impulse-noise': [0.01, 0.02, 0.03, 0.05, 0.07] as const,
  /** `[radius, aliasBlur]`: disk radius and σ of the 3×3 Gaussian that anti-aliases the disk. */
  'defocus-blur': [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1],
  ] as const,
  /** `[radius, sigma]` of ImageMagick's motion blur; the angle is drawn from U(−45°, 45°). */
  'motion-blur': [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ] as const,
  /**
   * Number of zoom factors `1, 1.01, 1.02, …`: the reference's `np.arange(1, 1.06, 0.01)` … `(1, 1.26, 0.01)`,
   * whose floating-point end points are included for four of five severities (7, 12, 16, 21, 26 factors).
   */
  'zoom-blur': [7, 12, 16, 21, 26] as const,
  /** Added to the HSV value V. */
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3] as const,
  /** Factor c of `(x − mean)·c + mean` (mean per image and channel). */
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15] as const,
  /** `[alpha, sigma, affine]` as fractions of the image side (the reference: 32·these). */
  'elastic-transform': [
    [0, 0, 0.08],
    [0.05, 0.2, 0.07],
    [0.08, 0.06, 0.06],
    [0.1, 0.04, 0.05],
    [0.1, 0.03, 0.03],
  ] as const,
  /** Factor of the side of the box-downsampled image. */
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65] as const,
  /** JPEG quality. */
  'jpeg-compression': [80, 65, 58, 50, 40] as const,
  /** `[scale, shift]` of the HSV saturation: `S ← clip(S·scale + shift)`. */
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2],
  ] as const,
});

/**
 * Throws {@link UnknownCorruptionError} unless `family` names a reference corruption, and
 * {@link CorruptionUnavailableError} when it names one this package does not compute (frost, fog, snow,
 * glass blur).
 */
export function assertFamily(fn: string, family: unknown): asserts family is CorruptionFamily {
  if (typeof family === 'string' && (CORRUPTION_FAMILIES as readonly string[]).includes(family)) return;
  const missing = typeof family === 'string' ? UNAVAILABLE[family] : undefined;
  if (missing !== undefined) {
    throw new CorruptionUnavailableError(
      family as string,
      missing.reason,
      `${fn}: ${missing.why}. Use one of ${CORRUPTION_FAMILIES.join(', ')}.`,
    );
  }
  const known = [...CORRUPTION_FAMILIES, ...Object.keys(UNAVAILABLE)];
  throw new UnknownCorruptionError(
    family,
    known,
    `${fn}: unknown corruption ${describeValue(family)}; use one of ${CORRUPTION_FAMILIES.join(', ')} ` +
      "(kebab-case, e.g. 'gaussian-noise').",
  );
}

/** Throws {@link InvalidSeverityError} unless `severity` is an integer 1–5. */
export function assertSeverity(fn: string, severity: unknown): asserts severity is 1 | 2 | 3 | 4 | 5 {
  if (typeof severity === 'number' && Number.isInteger(severity) && severity >= 1 && severity <= 5) return;
  throw new InvalidSeverityError(
    severity,
    `${fn}: severity must be an integer from 1 to 5 (CIFAR-10-C's levels), got ${describeValue(severity)}.`,
  );
}
