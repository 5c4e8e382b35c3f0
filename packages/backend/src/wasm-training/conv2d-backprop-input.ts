import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  cropForConv,
  markOurs,
  nhwcConvInfo,
  release,
  runWasmKernel,
  type WasmBackendLike,
} from './kernel-context';

/** Shape facts of one backprop-input problem (filter `kh×kw`, strides, leading pads, input size). */
interface Geometry {
  kh: number;
  kw: number;
  cin: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  height: number;
  width: number;
}

/**
 * One polyphase component of the transposed convolution: the rows `h ≡ a (mod sh)` and columns
 * `w ≡ b (mod sw)` of `∂L/∂X` only see the filter taps `i ≡ a + pt (mod sh)`, `j ≡ b + pl (mod sw)`, so they
 * are a stride-1 convolution of `∂L/∂Y` with that sub-filter (rotated by 180°, channel axes swapped).
 * Returns `undefined` when no tap reaches this phase (its gradient is zero).
 */
function phaseGradient(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: Float32Array,
  geometry: Geometry,
  a: number,
  b: number,
): TensorInfo | undefined {
  const { kh, kw, cin, sh, sw, pt, pl, height, width } = geometry;
  const [, outHeight, outWidth, cout] = dy.shape;
  const rows = Math.ceil((height - a) / sh);
  const cols = Math.ceil((width - b) / sw);
  const i0 = (a + pt) % sh;
  const j0 = (b + pl) % sw;
  const th = i0 < kh ? Math.ceil((kh - i0) / sh) : 0;
  const tw = j0 < kw ? Math.ceil((kw - j0) / sw) : 0;
  if (rows <= 0 || cols <= 0 || th === 0 || tw === 0) return undefined;
  const top = th - 1 - (a + pt - i0) / sh;
  const left = tw - 1 - (b + pl - j0) / sw;
  const bottom = rows + th - 1 - outHeight - top;
  const right = cols + tw - 1 - outWidth - left;

  // g[t, v, o, c] = W[i0 + sh·(th − 1 − t), j0 + sw·(tw − 1 − v), c, o]
  const sub = backend.makeOutput([th, tw, cout, cin], 'float32');
  const g = backend.typedArrayFromHeap(sub) as Float32Array;
  for (let t = 0; t < th; t++) {
    const i = i0 + sh * (th - 1 - t);
    for (let v = 0; v < tw; v++) {
      const j = j0 + sw * (tw - 1 - v);
      const src = (i * kw + j) * cin * cout;
      const dst = (t * tw + v) * cout * cin;
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) g[dst + o * cin + c] = filter[src + c * cout + o];
      }
    }
  }
  const prepared = cropForConv(backend, dy, top, bottom, left, right);
  const out = runWasmKernel(
    backend,
    'Conv2D',
    { x: prepared.x, filter: sub },
    { strides: [1, 1], pad: prepared.pad, dataFormat: 'NHWC', dilations: [1, 1] },
  );
  release(backend, prepared.x, sub);
  return out;
}

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing the stock scalar loop with XNNPACK `Conv2D`s.
 *
 * `∂L/∂X` is the transposed convolution of `∂L/∂Y` with `W`. With stride 1 it is one convolution with the
 * filter rotated by 180° and its channel axes swapped. With stride `s` it is split into `s²` polyphase
 * components (see {@link phaseGradient}), each a stride-1 convolution with a sub-filter, interleaved into
 * the output: the multiply count of the forward pass, instead of `s²` times that for a convolution over a
 * zero-dilated `∂L/∂Y`.
 */
export function conv2DBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: unknown;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs;
  const { inputShape } = args.attrs;
  const info = nhwcConvInfo(
    'Conv2DBackpropInput',
    inputShape,
    filter.shape as [number, number, number, number],
    args.attrs,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const [batch, height, width, cin] = inputShape;
  const geometry: Geometry = {
    kh,
    kw,
    cin,
    sh,
    sw,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
    height,
    width,
  };
  const weights = (backend.typedArrayFromHeap(filter) as Float32Array).slice();
  if (sh === 1 && sw === 1) {
    const only = phaseGradient(backend, dy, weights, geometry, 0, 0);
    if (only !== undefined) return only;
  }
  const phases: Array<{ a: number; b: number; info: TensorInfo }> = [];
  for (let a = 0; a < sh; a++) {
    for (let b = 0; b < sw; b++) {
      const phase = phaseGradient(backend, dy, weights, geometry, a, b);
      if (phase !== undefined) phases.push({ a, b, info: phase });
    }
  }
  const out = backend.makeOutput(inputShape, 'float32');
  // Views are taken after the last allocation: growing the wasm heap detaches earlier ones.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  if (phases.length < sh * sw) dx.fill(0);
  for (const { a, b, info: phase } of phases) {
    const [, rows, cols] = phase.shape;
    const values = backend.typedArrayFromHeap(phase) as Float32Array;
    let src = 0;
    for (let n = 0; n < batch; n++) {
      for (let u = 0; u < rows; u++) {
        const rowStart = ((n * height + a + sh * u) * width + b) * cin;
        for (let v = 0; v < cols; v++) {
          const dst = rowStart + sw * v * cin;
          for (let c = 0; c < cin; c++) dx[dst + c] = values[src++];
        }
      }
    }
    release(backend, phase);
  }
  return out;
}

/** Kernel registration for {@link conv2DBackpropInputWasm}. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: markOurs(conv2DBackpropInputWasm) as unknown as KernelFunc,
};
