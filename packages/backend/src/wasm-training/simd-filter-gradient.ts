import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { release, type WasmBackendLike } from './kernel-context';
import { CodeWriter, encodeModule, type FunctionDef, I32, V128 } from './wasm-encoder';

/**
 * Output positions per block of work: the block's rows of `X` and `∂L/∂Y` stay in the L1/L2 cache while
 * every tap and channel tile of the block is accumulated. Measured on ResNet18 shapes (w = 16, batch 64):
 * 64 is 5–20 % faster than 256 or 512 and on par with 32.
 */
const BLOCK_POSITIONS = 64;

/** Bytes per entry of the run table: x pointer, ∂L/∂Y pointer, count. */
const RUN_BYTES = 12;

/**
 * The generated kernel `fg_R_V(runs, nRuns, acc, cbStart, cbEnd, obStart, obEnd, cout, xStep)`: for every
 * tile of `R` input channels × `4·V` output channels in the given ranges, it loads the tile of the
 * accumulator `acc` (`[C, O]` of one filter tap), adds `Σ x[c] · ∂L/∂y[o]` over every position of every run
 * (a run is `count` output positions whose `X` entries lie `xStep` bytes apart and whose `∂L/∂Y` rows are
 * contiguous), and stores it back. It is the register-blocked outer-product loop of a GEMM micro-kernel: per
 * position `R` broadcasts, `V` vector loads and `R·V` multiply-adds on `R·V` accumulator registers.
 */
function kernel(rows: number, vectors: number): FunctionDef {
  const [runs, nRuns, acc, cbStart, cbEnd, obStart, obEnd, cout, xStep] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [cb, ob, p, q, r, rEnd, xa, da, k, dyStep] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const a = 19;
  const b = (v: number) => 20 + v;
  const accum = (i: number, v: number) => 20 + vectors + i * vectors + v;
  const c = new CodeWriter();
  const forTile = (f: (i: number, v: number) => void) => {
    c.get(p).set(q);
    for (let i = 0; i < rows; i++) {
      for (let v = 0; v < vectors; v++) f(i, v);
      if (i < rows - 1) c.get(q).get(dyStep).add().set(q);
    }
  };
  c.get(cout).const(2).shl().set(dyStep);
  c.get(runs).get(nRuns).const(RUN_BYTES).mul().add().set(rEnd);
  c.get(cbStart).set(cb);
  c.block().loop();
  c.get(cb).get(cbEnd).geU().brIf(1);
  c.get(obStart).set(ob);
  c.block().loop();
  c.get(ob).get(obEnd).geU().brIf(1);
  c.get(acc).get(cb).get(cout).mul().get(ob).add().const(2).shl().add().set(p);
  forTile((i, v) =>
    c
      .get(q)
      .loadV128(16 * v)
      .set(accum(i, v)),
  );
  c.get(runs).set(r);
  c.block().loop();
  c.get(r).get(rEnd).geU().brIf(1);
  c.get(r).loadI32(0).get(cb).const(2).shl().add().set(xa);
  c.get(r).loadI32(4).get(ob).const(2).shl().add().set(da);
  c.get(r).loadI32(8).set(k);
  c.block().loop();
  c.get(k).eqz().brIf(1);
  for (let v = 0; v < vectors; v++)
    c.get(da)
      .loadV128(16 * v)
      .set(b(v));
  for (let i = 0; i < rows; i++) {
    c.get(xa)
      .loadF32(4 * i)
      .f32x4Splat()
      .set(a);
    for (let v = 0; v < vectors; v++) {
      c.get(accum(i, v)).get(a).get(b(v)).f32x4Mul().f32x4Add().set(accum(i, v));
    }
  }
  c.get(xa).get(xStep).add().set(xa);
  c.get(da).get(dyStep).add().set(da);
  c.get(k).const(1).sub().set(k);
  c.br(0);
  c.end().end();
  c.get(r).const(RUN_BYTES).add().set(r);
  c.br(0);
  c.end().end();
  forTile((i, v) =>
    c
      .get(q)
      .get(accum(i, v))
      .storeV128(16 * v),
  );
  c.get(ob)
    .const(4 * vectors)
    .add()
    .set(ob);
  c.br(0);
  c.end().end();
  c.get(cb).const(rows).add().set(cb);
  c.br(0);
  c.end().end();
  return {
    name: `fg_${rows}_${vectors}`,
    params: 9,
    locals: [
      [10, I32],
      [1 + vectors + rows * vectors, V128],
    ],
    code: c,
  };
}

type KernelFn = (
  runs: number,
  nRuns: number,
  acc: number,
  cbStart: number,
  cbEnd: number,
  obStart: number,
  obEnd: number,
  cout: number,
  xStep: number,
) => void;
type Kernels = Record<string, KernelFn>;

/** The parts of the `WebAssembly` global used here (this package compiles without the DOM typings). */
interface WasmMemoryLike {
  readonly buffer: ArrayBufferLike;
}
interface WebAssemblyLike {
  Memory: abstract new (...args: never[]) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const webAssembly = (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly;

/** The wasm backend's `Module`, as far as finding its memory goes. */
interface EmscriptenModuleLike {
  wasmMemory?: WasmMemoryLike;
  asm?: { memory?: WasmMemoryLike };
}

const compiled = new WeakMap<WasmMemoryLike, Kernels | null>();

/**
 * The SIMD kernels instantiated on the wasm backend's own memory (so they read tensors in place), or `null`
 * when that memory cannot be found or the engine lacks WebAssembly SIMD; then the caller uses its other path.
 */
export function simdFilterGradientKernels(backend: WasmBackendLike): Kernels | null {
  const module = (backend as unknown as { wasm?: EmscriptenModuleLike }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  if (webAssembly === undefined || !(memory instanceof webAssembly.Memory)) return null;
  const cached = compiled.get(memory);
  if (cached !== undefined) return cached;
  let kernels: Kernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const defs: FunctionDef[] = [];
    for (let rows = 1; rows <= 4; rows++) for (const vectors of [1, 2]) defs.push(kernel(rows, vectors));
    const instance = new webAssembly.Instance(new webAssembly.Module(encodeModule(defs, shared)), {
      env: { memory },
    });
    kernels = instance.exports as unknown as Kernels;
  } catch {
    kernels = null;
  }
  compiled.set(memory, kernels);
  return kernels;
}

/** Whether {@link simdFilterGradient} handles this shape: output channels in whole SIMD vectors. */
export function simdFilterGradientApplies(dy: TensorInfo): boolean {
  return dy.shape[3] % 4 === 0;
}

/**
 * `∂L/∂W[i, j, c, o] = Σ_{n, y, x} X[n, y·s + i − top, x·s + j − left, c] · ∂L/∂Y[n, y, x, o]` straight from
 * the NHWC tensors: no transpose, no padding, no im2col. For every filter tap and output row, the valid
 * output columns form one run (positions whose input pixel lies inside the image), listed in a small table;
 * the generated SIMD kernel then sweeps blocks of {@link BLOCK_POSITIONS} output positions, accumulating
 * every tap and every 4 × 8 channel tile of `∂L/∂W` while the block's data is in cache.
 */
export function simdFilterGradient(
  backend: WasmBackendLike,
  kernels: Kernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, cin] = x.shape;
  const [, outHeight, outWidth, cout] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const rows = batch * outHeight;
  const taps = kh * kw;
  const table = backend.makeOutput([taps * rows * 3], 'int32');
  const out = backend.makeOutput([kh, kw, cin, cout], 'float32');
  const offset = (t: TensorInfo) =>
    (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
  const [xAt, dyAt, tableAt, outAt] = [offset(x), offset(dy), offset(table), offset(out)];
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  const runs = backend.typedArrayFromHeap(table) as Int32Array;
  let e = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const shift = j * dw - left;
      const ow0 = Math.max(0, Math.ceil(-shift / sw));
      const ow1 = Math.min(outWidth, Math.floor((width - 1 - shift) / sw) + 1);
      const count = Math.max(0, ow1 - ow0);
      for (let n = 0; n < batch; n++) {
        for (let oh = 0; oh < outHeight; oh++, e += 3) {
          const h = oh * sh + i * dh - top;
          if (h < 0 || h >= height || count === 0) {
            runs[e] = xAt;
            runs[e + 1] = dyAt;
            runs[e + 2] = 0;
            continue;
          }
          runs[e] = xAt + 4 * ((n * height + h) * width + ow0 * sw + shift) * cin;
          runs[e + 1] = dyAt + 4 * ((n * outHeight + oh) * outWidth + ow0) * cout;
          runs[e + 2] = count;
        }
      }
    }
  }
  const blockRows = Math.max(1, Math.floor(BLOCK_POSITIONS / outWidth));
  const fullC = cin - (cin % 4);
  const fullO = cout - (cout % 8);
  const xStep = 4 * sw * cin;
  const tail = kernels[`fg_${cin % 4}_2`];
  const tail1 = kernels[`fg_${cin % 4}_1`];
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const n = Math.min(blockRows, rows - r0);
    for (let t = 0; t < taps; t++) {
      const at = tableAt + (t * rows + r0) * RUN_BYTES;
      const acc = outAt + 4 * t * cin * cout;
      if (fullC > 0) {
        if (fullO > 0) kernels.fg_4_2(at, n, acc, 0, fullC, 0, fullO, cout, xStep);
        if (fullO < cout) kernels.fg_4_1(at, n, acc, 0, fullC, fullO, cout, cout, xStep);
      }
      if (fullC < cin) {
        if (fullO > 0) tail(at, n, acc, fullC, cin, 0, fullO, cout, xStep);
        if (fullO < cout) tail1(at, n, acc, fullC, cin, fullO, cout, cout, xStep);
      }
    }
  }
  release(backend, table);
  return out;
}
