import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { dropHeapView, heapView, release, runWasmKernel, type WasmBackendLike } from './kernel-context';

/**
 * Whether {@link shiftedFilterGradient} should compute this stride-1 filter gradient. It multiplies over the
 * zero-padded grid, `(OH + kh − 1)·(OW + kw − 1)` positions per image instead of `OH·OW`; past about a third
 * more work the big-filter convolution is faster (measured: 32×32 and 16×16 activations gain 30 % and 20 %,
 * 8×8 loses 10 %).
 */
export function shiftedFilterGradientApplies(info: backend_util.Conv2DInfo): boolean {
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  if (strideHeight !== 1 || strideWidth !== 1 || dilationHeight !== 1 || dilationWidth !== 1) return false;
  const { outHeight, outWidth, filterHeight, filterWidth } = info;
  const padded = (outHeight + filterHeight - 1) * (outWidth + filterWidth - 1);
  return padded <= 1.35 * outHeight * outWidth;
}

/**
 * Stride-1 `∂L/∂W` as `kh·kw` matrix products over shifted views, with no im2col.
 *
 * Lay `X` out channel-major on the zero-padded grid, `X̂ = [C, N·Hp·Wp]` (`Hp = OH + kh − 1`), and `∂L/∂Y` on
 * the same grid, `Ŷ = [N·Hp·Wp, O]`, zero outside the `OH × OW` output positions. Then for every tap `(i, j)`
 * `∂L/∂W[i, j] = X̂ᵢⱼ · Ŷ`, where `X̂ᵢⱼ` is `X̂` read from the flat offset `i·Wp + j` on: a view of the same
 * buffer, not a copy. The part of a view row that runs past its channel's plane into the next one meets only
 * zero rows of `Ŷ` (the padding rows and columns of the last image), so it adds nothing. Each product is one
 * XNNPACK fully-connected run (`BatchMatMul`, `[C, K] · [K, O]`, `K = N·Hp·Wp`), and `Ŷ` is packed once for
 * all taps because the backend caches the operator on it.
 */
export function shiftedFilterGradient(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, cin] = x.shape;
  const [, outHeight, outWidth, cout] = dy.shape;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const gridHeight = outHeight + kh - 1;
  const gridWidth = outWidth + kw - 1;
  const plane = gridHeight * gridWidth;
  const positions = batch * plane;
  // The last channel's views run this far past its plane.
  const overhang = (kh - 1) * gridWidth + (kw - 1);

  const xGrid = backend.makeOutput([cin * positions + overhang], 'float32');
  const dyGrid = backend.makeOutput([1, positions, cout], 'float32');
  const out = backend.makeOutput([kh, kw, cin, cout], 'float32');
  // Heap views only after the last allocation: growing the heap replaces its buffer.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const xg = backend.typedArrayFromHeap(xGrid) as Float32Array;
  xg.fill(0);
  const h0 = Math.max(0, -top);
  const h1 = Math.min(height, gridHeight - top);
  const w0 = Math.max(0, -left);
  const w1 = Math.min(width, gridWidth - left);
  for (let n = 0; n < batch; n++) {
    for (let h = h0; h < h1; h++) {
      const row = n * plane + (h + top) * gridWidth + left;
      let src = ((n * height + h) * width + w0) * cin;
      for (let w = w0; w < w1; w++) {
        let dst = row + w;
        for (let c = 0; c < cin; c++, dst += positions) xg[dst] = xs[src++];
      }
    }
  }
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dyg = backend.typedArrayFromHeap(dyGrid) as Float32Array;
  dyg.fill(0);
  const run = outWidth * cout;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const src = (n * outHeight + oh) * run;
      dyg.set(dys.subarray(src, src + run), (n * plane + oh * gridWidth) * cout);
    }
  }

  const taps = cin * cout;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const view = heapView(backend, xGrid, i * gridWidth + j, [1, cin, positions]);
      const product = runWasmKernel(
        backend,
        'BatchMatMul',
        { a: view, b: dyGrid },
        { transposeA: false, transposeB: false },
      );
      dropHeapView(backend, view);
      (backend.typedArrayFromHeap(out) as Float32Array).set(
        backend.typedArrayFromHeap(product) as Float32Array,
        (i * kw + j) * taps,
      );
      release(backend, product);
    }
  }
  release(backend, xGrid, dyGrid);
  return out;
}
