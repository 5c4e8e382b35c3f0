import { describe, expect, it } from 'vitest';
import { CodeWriter, encodeModule, I32 } from './wasm-encoder';

const webAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
      Instance: new (m: object, i: object) => { exports: Record<string, (...a: number[]) => void> };
      Module: new (bytes: Uint8Array) => object;
    };
  }
).WebAssembly;

/** `store(ptr, a, b)`: writes `splat(a·b) + splat(a)` — loads, i32 arithmetic, f32x4 ops, a loop. */
function storeFunction() {
  const c = new CodeWriter();
  // local 3 = counter: run the body twice, storing to ptr and ptr + 16.
  c.const(2).set(3);
  c.block().loop();
  c.get(3).eqz().brIf(1);
  c.get(0);
  c.get(1).loadF32(0).f32x4Splat().get(2).loadF32(0).f32x4Splat().f32x4Mul();
  c.get(1).loadF32(0).f32x4Splat().f32x4Add();
  c.storeV128(0);
  c.get(0).const(16).add().set(0);
  c.get(3).const(1).sub().set(3);
  c.br(0);
  c.end().end();
  return { name: 'store', params: 3, locals: [[1, I32]] as Array<[number, number]>, code: c };
}

describe('wasm encoder', () => {
  it('writes valid modules with a plain or a shared imported memory', () => {
    expect(webAssembly.validate(encodeModule([storeFunction()], false))).toBe(true);
    expect(webAssembly.validate(encodeModule([storeFunction()], true))).toBe(true);
  });

  it('runs what it encodes', () => {
    const memory = new webAssembly.Memory({ initial: 1 });
    const module = new webAssembly.Module(encodeModule([storeFunction()], false));
    const { store } = new webAssembly.Instance(module, { env: { memory } }).exports;
    const f32 = new Float32Array(memory.buffer);
    f32[0] = 3;
    f32[1] = -2;
    store(64, 0, 4);
    expect(Array.from(f32.subarray(16, 24))).toEqual([-3, -3, -3, -3, -3, -3, -3, -3]);
    expect(f32[24]).toBe(0);
  });

  it('encodes large and negative constants (LEB128) with their values', () => {
    const values = [-1, 0, 63, 64, -64, -65, 127, 128, -128, 8191, -8192, 2 ** 30, 2 ** 31 - 1, -(2 ** 31)];
    const c = new CodeWriter();
    for (const [i, value] of values.entries())
      c.get(0)
        .const(value)
        .storeI32(4 * i);
    const def = { name: 'f', params: 1, locals: [] as Array<[number, number]>, code: c };
    const memory = new webAssembly.Memory({ initial: 1 });
    const module = new webAssembly.Module(encodeModule([def], false));
    const { f } = new webAssembly.Instance(module, { env: { memory } }).exports;
    f(64);
    expect(Array.from(new Int32Array(memory.buffer, 64, values.length))).toEqual(values);
  });
});
