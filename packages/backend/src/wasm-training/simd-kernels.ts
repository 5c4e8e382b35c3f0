import { CodeWriter, encodeModule, type FunctionDef, I32, V128 } from './wasm-encoder';

/** Bytes per entry of a filter-gradient run table: x pointer, ∂L/∂Y pointer, count. */
export const RUN_BYTES = 12;

/** Index of `fg_R_V` in the generated module (`R` = 1…4 input channels, `V` = 1…2 vectors). */
const tileIndex = (rows: number, vectors: number) => (rows - 1) * 2 + (vectors - 1);

/**
 * `fg_R_V(runs, nRuns, acc, cbStart, cbEnd, obStart, obEnd, cout, xStep)`: for every tile of `R` input
 * channels × `4·V` output channels in the given ranges, it loads the tile of the accumulator `acc` (`[C, O]`
 * of one filter tap), adds `Σ x[c] · ∂L/∂y[o]` over every position of every run (a run is `count` output
 * positions whose `X` entries lie `xStep` bytes apart and whose `∂L/∂Y` rows are contiguous), and stores it
 * back. It is the register-blocked outer-product loop of a GEMM micro-kernel: per position `R` broadcasts,
 * `V` vector loads and `R·V` multiply-adds on `R·V` accumulator registers.
 */
function tileKernel(rows: number, vectors: number): FunctionDef {
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

/**
 * `fg_run(table, rows, blockRows, taps, out, cin, cout, xStep, unitStart, unitEnd)`: the whole filter
 * gradient, or one thread's share of it. The work is cut into units, one per filter tap and block of 4 input
 * channels (`unit = tap·⌈C/4⌉ + block`); this call does units `[unitStart, unitEnd)`, whose outputs no other
 * unit touches. It sweeps the output rows in blocks of `blockRows` (the run table holds one run per tap and
 * output row, tap-major) and, per block, calls the tile kernels on each of its units.
 */
function runKernel(): FunctionDef {
  const [table, rows, blockRows, , out, cin, cout, xStep, unitStart, unitEnd] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [r0, n, u, t, cb, width, at, acc, fullO, blocks] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const c = new CodeWriter();
  c.get(cout).const(-8).and().set(fullO);
  c.get(cin).const(3).add().const(2).shrU().set(blocks);
  c.const(0).set(r0);
  c.block().loop();
  c.get(r0).get(rows).geU().brIf(1);
  // n = min(blockRows, rows − r0)
  c.get(blockRows).get(rows).get(r0).sub().get(rows).get(r0).sub().get(blockRows).gtU().select().set(n);
  c.get(unitStart).set(u);
  c.block().loop();
  c.get(u).get(unitEnd).geU().brIf(1);
  c.get(u).get(blocks).divU().set(t);
  c.get(u).get(blocks).remU().const(2).shl().set(cb);
  // width = min(4, cin − cb)
  c.const(4).get(cin).get(cb).sub().get(cin).get(cb).sub().const(4).gtU().select().set(width);
  c.get(table).get(t).get(rows).mul().get(r0).add().const(RUN_BYTES).mul().add().set(at);
  c.get(out).get(t).get(cin).mul().get(cout).mul().const(2).shl().add().set(acc);
  for (let w = 1; w <= 4; w++) {
    c.get(width).const(w).eq().if();
    c.get(fullO).eqz().eqz().if();
    c.get(at).get(n).get(acc).get(cb).get(cb).const(w).add().const(0).get(fullO).get(cout).get(xStep);
    c.call(tileIndex(w, 2)).end();
    c.get(fullO).get(cout).ltU().if();
    c.get(at).get(n).get(acc).get(cb).get(cb).const(w).add().get(fullO).get(cout).get(cout).get(xStep);
    c.call(tileIndex(w, 1)).end();
    c.end();
  }
  c.get(u).const(1).add().set(u);
  c.br(0);
  c.end().end();
  c.get(r0).get(blockRows).add().set(r0);
  c.br(0);
  c.end().end();
  return { name: 'fg_run', params: 10, locals: [[10, I32]], code: c };
}

/** The exports of the generated module. */
export interface SimdKernels {
  fg_run(
    table: number,
    rows: number,
    blockRows: number,
    taps: number,
    out: number,
    cin: number,
    cout: number,
    xStep: number,
    unitStart: number,
    unitEnd: number,
  ): void;
}

/** The parts of the `WebAssembly` global used here (this package compiles without the DOM typings). */
export interface WasmMemoryLike {
  readonly buffer: ArrayBufferLike;
}
interface WebAssemblyLike {
  Memory: abstract new (...args: never[]) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const webAssembly = (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly;

/** Whether `memory` is a `WebAssembly.Memory` backed by a `SharedArrayBuffer` (the threaded build's). */
export function isSharedMemory(memory: WasmMemoryLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

const modules = new Map<boolean, object>();

/** The compiled kernel module for a plain or a shared memory (compiled once per process). */
export function simdKernelModule(shared: boolean): object {
  if (webAssembly === undefined) throw new Error('WebAssembly is not available');
  let module = modules.get(shared);
  if (module === undefined) {
    const defs: FunctionDef[] = [];
    for (let rows = 1; rows <= 4; rows++) for (const vectors of [1, 2]) defs.push(tileKernel(rows, vectors));
    defs.push(runKernel());
    module = new webAssembly.Module(encodeModule(defs, shared));
    modules.set(shared, module);
  }
  return module;
}

/** The wasm backend's `Module`, as far as finding its memory goes. */
interface EmscriptenModuleLike {
  wasmMemory?: WasmMemoryLike;
  asm?: { memory?: WasmMemoryLike };
}

/** The wasm backend's `WebAssembly.Memory` (plain build: exported; threaded build: shared), or `null`. */
export function backendMemory(backend: unknown): WasmMemoryLike | null {
  const module = (backend as { wasm?: EmscriptenModuleLike }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return webAssembly !== undefined && memory instanceof webAssembly.Memory ? memory : null;
}

const instances = new WeakMap<WasmMemoryLike, SimdKernels | null>();

/**
 * The SIMD kernels instantiated on `memory` (so they read tensors in place), or `null` when the engine lacks
 * WebAssembly SIMD; then callers take their other paths.
 */
export function simdKernelsFor(memory: WasmMemoryLike): SimdKernels | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let kernels: SimdKernels | null = null;
  try {
    const instance = new (webAssembly as WebAssemblyLike).Instance(simdKernelModule(isSharedMemory(memory)), {
      env: { memory },
    });
    kernels = instance.exports as unknown as SimdKernels;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}
