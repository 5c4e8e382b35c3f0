import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { dropHeapView, heapView, release, runWasmKernel, type WasmBackendLike } from './kernel-context';

/** Past this much extra work (grid positions per output position) the big-filter convolution is faster. */
const MAX_GRID_OVERHEAD = 1.35;

/** Where one filter tap reads: phase `(a, b)` of the strided input, shifted by `(du, dv)` grid positions. */
interface Tap {
  phase: number;
  du: number;
  dv: number;
}

/**
 * The shared layout of the input phases and of `∂L/∂Y`. Every image is `rows × cols` grid positions
 * (`cols` per row), data in the top-left corner and zeros around it; images follow each other, channel
 * planes (`plane = N·rows·cols` positions) follow each other, and the whole starts `lead` positions in, so
 * that the most negative shift still reads inside the buffer.
 */
interface GridPlan {
  rows: number;
  cols: number;
  plane: number;
  lead: number;
  /** Used phases as `[a, b]`: rows `a, a + sh, …` and columns `b, b + sw, …` of `X`. */
  phases: Array<[number, number]>;
  taps: Tap[];
  /** Largest view offset: how far the last channel's views run past its plane. */
  overhang: number;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);
const mod = (a: number, b: number) => ((a % b) + b) % b;

/**
 * The grid for {@link shiftedFilterGradient}, or `null` when it would cost more than the big-filter
 * convolution (more than {@link MAX_GRID_OVERHEAD} grid positions per output position: small activations).
 */
export function planShiftedFilterGradient(info: backend_util.Conv2DInfo): GridPlan | null {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  // Tap i reads input row oh·sh + i·dh − top = (oh + du)·sh + a: phase row a, shifted by du.
  const rowTaps = Array.from({ length: filterHeight }, (_, i) => {
    const t = i * dh - top;
    return { a: mod(t, sh), du: floorDiv(t, sh) };
  });
  const colTaps = Array.from({ length: filterWidth }, (_, j) => {
    const t = j * dw - left;
    return { b: mod(t, sw), dv: floorDiv(t, sw) };
  });
  const extent = (
    taps: Array<{ shift: number; phase: number }>,
    size: number,
    stride: number,
    out: number,
  ) => {
    const lo = Math.min(...taps.map((t) => t.shift));
    const hi = Math.max(...taps.map((t) => t.shift));
    // Reads below 0 land in the previous image's (row's) trailing zeros; reads past the data in this one's.
    let span = Math.max(out, out + hi);
    for (const { phase } of taps) span = Math.max(span, Math.ceil((size - phase) / stride) - Math.min(0, lo));
    return { lo, hi, span };
  };
  const r = extent(
    rowTaps.map((t) => ({ shift: t.du, phase: t.a })),
    inHeight,
    sh,
    outHeight,
  );
  const c = extent(
    colTaps.map((t) => ({ shift: t.dv, phase: t.b })),
    inWidth,
    sw,
    outWidth,
  );
  if (r.span * c.span > MAX_GRID_OVERHEAD * outHeight * outWidth) return null;
  const rows = r.span;
  const cols = c.span;
  const lead = Math.max(0, -r.lo) * cols + Math.max(0, -c.lo);
  const phases: Array<[number, number]> = [];
  const taps: Tap[] = [];
  for (const { a, du } of rowTaps) {
    for (const { b, dv } of colTaps) {
      let phase = phases.findIndex(([pa, pb]) => pa === a && pb === b);
      if (phase < 0) phase = phases.push([a, b]) - 1;
      taps.push({ phase, du, dv });
    }
  }
  const overhang = Math.max(0, lead + r.hi * cols + c.hi);
  return { rows, cols, plane: batchSize * rows * cols, lead, phases, taps, overhang };
}

/**
 * `∂L/∂W` as one matrix product per filter tap over shifted views of the input, with no im2col.
 *
 * Split `X` into its stride phases (rows `a, a + s, …`, columns `b, b + s, …`; one phase at stride 1) and lay
 * each out channel-major on a zero-padded grid, `X̂ = [C, N·rows·cols]`; lay `∂L/∂Y` out on the same grid,
 * `Ŷ = [N·rows·cols, O]`, zero outside the `OH × OW` output positions. Tap `(i, j)` reads phase
 * `((i − top) mod s, (j − left) mod s)` shifted by `(⌊(i − top)/s⌋, ⌊(j − left)/s⌋)`, so
 * `∂L/∂W[i, j] = X̂ᵢⱼ · Ŷ` with `X̂ᵢⱼ` a view of the phase buffer from a flat offset on, not a copy. Shifted
 * reads that leave an image land on zeros (the grid keeps enough zero rows and columns between images and
 * rows), and the part of a view that runs into the next channel's plane meets only zero rows of `Ŷ`. Each
 * product is one XNNPACK fully-connected run (`BatchMatMul`, `[C, K] · [K, O]`), and `Ŷ` is packed once for
 * all taps because the backend caches the operator on it.
 */
export function shiftedFilterGradient(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  plan: GridPlan,
): TensorInfo {
  const [batch, height, width, cin] = x.shape;
  const [, outHeight, outWidth, cout] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { rows, cols, plane, lead, phases, taps, overhang } = plan;
  const image = rows * cols;

  const grids = phases.map(() => backend.makeOutput([cin * plane + overhang], 'float32'));
  const dyGrid = backend.makeOutput([1, plane, cout], 'float32');
  const out = backend.makeOutput([kh, kw, cin, cout], 'float32');
  // Heap views only after the last allocation: growing the heap replaces its buffer.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  for (const [p, [a, b]] of phases.entries()) {
    const grid = backend.typedArrayFromHeap(grids[p]) as Float32Array;
    grid.fill(0);
    const phaseHeight = Math.ceil((height - a) / sh);
    const phaseWidth = Math.ceil((width - b) / sw);
    for (let n = 0; n < batch; n++) {
      for (let u = 0; u < phaseHeight; u++) {
        const row = lead + n * image + u * cols;
        const src = ((n * height + u * sh + a) * width + b) * cin;
        for (let v = 0; v < phaseWidth; v++) {
          let s = src + v * sw * cin;
          let d = row + v;
          for (let c = 0; c < cin; c++, d += plane) grid[d] = xs[s++];
        }
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
      dyg.set(dys.subarray(src, src + run), (n * image + oh * cols) * cout);
    }
  }

  const block = cin * cout;
  try {
    for (const [t, { phase, du, dv }] of taps.entries()) {
      const view = heapView(backend, grids[phase], lead + du * cols + dv, [1, cin, plane]);
      let product: TensorInfo;
      try {
        product = runWasmKernel(
          backend,
          'BatchMatMul',
          { a: view, b: dyGrid },
          { transposeA: false, transposeB: false },
        );
      } finally {
        dropHeapView(backend, view);
      }
      (backend.typedArrayFromHeap(out) as Float32Array).set(
        backend.typedArrayFromHeap(product) as Float32Array,
        t * block,
      );
      release(backend, product);
    }
  } catch (error) {
    release(backend, out);
    throw error;
  } finally {
    release(backend, ...grids, dyGrid);
  }
  return out;
}
