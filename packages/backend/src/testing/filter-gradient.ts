import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../wasm-training/kernel-context';
import { mulberry32 } from '@pixsim/core';

/** Explicit NHWC padding, as `tf.conv2d` takes it. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** One filter-gradient parity case: input shape, filter size, output channels, padding, stride. */
export interface FilterGradientCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  pad: 'same' | 'valid' | ExplicitPadding;
  stride?: number;
}

/** Seeded uniform values in [−1, 1). */
export function randomValues(shape: number[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** The convolution geometry of a case. */
export function caseInfo(c: FilterGradientCase): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.cout], c.stride ?? 1, 1, c.pad);
}

/** `∂/∂W Σ(conv2d(x, W) ⊙ dy)` through the registered gradient of the active backend (x, dy from seeds 1, 2). */
export function referenceFilterGradient(c: FilterGradientCase): Float32Array {
  return tf.tidy(() => {
    const info = caseInfo(c);
    const x = tf.tensor4d(randomValues(c.x, 1), c.x);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.cout];
    const dy = tf.tensor(randomValues(dyShape, 2), dyShape);
    const f = tf.zeros([...c.k, c.x[3], c.cout]) as tf.Tensor4D;
    const [df] = tf.grads((w: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, c.stride ?? 1, c.pad), dy)),
    )([f]);
    return df.dataSync() as Float32Array;
  });
}

/** Runs one filter-gradient implementation directly on the active (wasm) backend with the same x and dy. */
export function directFilterGradient(
  c: FilterGradientCase,
  path: (
    backend: WasmBackendLike,
    x: TensorInfo,
    dy: TensorInfo,
    info: backend_util.Conv2DInfo,
  ) => TensorInfo,
): Float32Array {
  const info = caseInfo(c);
  const dyShape = [c.x[0], info.outHeight, info.outWidth, c.cout];
  const x = tf.tensor4d(randomValues(c.x, 1), c.x);
  const dy = tf.tensor(randomValues(dyShape, 2), dyShape);
  const out = tf
    .engine()
    .makeTensorFromTensorInfo(path(tf.backend() as unknown as WasmBackendLike, x, dy, info));
  const values = out.dataSync() as Float32Array;
  tf.dispose([x, dy, out]);
  return values;
}

/**
 * `∂L/∂W` by the definition, in float64: `Σ_{n, y, x} X[n, y·s + i − top, x·s + j − left, c] · ∂L/∂Y[n, y, x, o]`,
 * reading zero outside `X`. Independent of every backend (negative pads crop).
 */
export function definitionFilterGradient(
  xv: ArrayLike<number>,
  xShape: readonly number[],
  dyv: ArrayLike<number>,
  dyShape: readonly number[],
  k: readonly [number, number],
  stride: number,
  top: number,
  left: number,
): Float64Array {
  const [batch, height, width, cin] = xShape;
  const [, outHeight, outWidth, cout] = dyShape;
  const out = new Float64Array(k[0] * k[1] * cin * cout);
  for (let i = 0; i < k[0]; i++)
    for (let j = 0; j < k[1]; j++)
      for (let n = 0; n < batch; n++)
        for (let y = 0; y < outHeight; y++)
          for (let x = 0; x < outWidth; x++) {
            const h = y * stride + i - top;
            const w = x * stride + j - left;
            if (h < 0 || h >= height || w < 0 || w >= width) continue;
            for (let c = 0; c < cin; c++) {
              const xval = xv[((n * height + h) * width + w) * cin + c];
              for (let o = 0; o < cout; o++) {
                out[((i * k[1] + j) * cin + c) * cout + o] +=
                  xval * dyv[((n * outHeight + y) * outWidth + x) * cout + o];
              }
            }
          }
  return out;
}
