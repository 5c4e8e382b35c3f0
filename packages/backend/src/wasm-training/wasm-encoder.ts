/**
 * A minimal WebAssembly binary writer: just what the generated SIMD kernels of this package need (i32
 * arithmetic, structured control flow, loads and stores, four f32x4 instructions, one imported memory).
 * Writing the few hundred bytes directly keeps the package free of a build-time assembler.
 */

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Instruction stream of one function body. Every method appends and returns `this`. */
export class CodeWriter {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private simd(opcode: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...rest);
  }

  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  end(): this {
    return this.op(0x0b);
  }
  /** `if` with no result; close with {@link end}. */
  if(): this {
    return this.op(0x04, 0x40);
  }
  call(func: number): this {
    return this.op(0x10, ...uleb(func));
  }
  /** `select`: pops `a, b, condition` and pushes `condition ? a : b`. */
  select(): this {
    return this.op(0x1b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  get(local: number): this {
    return this.op(0x20, ...uleb(local));
  }
  set(local: number): this {
    return this.op(0x21, ...uleb(local));
  }
  const(value: number): this {
    return this.op(0x41, ...sleb(value));
  }
  eqz(): this {
    return this.op(0x45);
  }
  eq(): this {
    return this.op(0x46);
  }
  ltU(): this {
    return this.op(0x49);
  }
  gtU(): this {
    return this.op(0x4b);
  }
  geU(): this {
    return this.op(0x4f);
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  divU(): this {
    return this.op(0x6e);
  }
  remU(): this {
    return this.op(0x70);
  }
  and(): this {
    return this.op(0x71);
  }
  shl(): this {
    return this.op(0x74);
  }
  shrU(): this {
    return this.op(0x76);
  }
  /** `i32.load` with a byte offset (4-byte alignment hint). */
  loadI32(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  /** `i32.store` with a byte offset. */
  storeI32(offset = 0): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  /** `f32.load` with a byte offset. */
  loadF32(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  /** `v128.load` with a byte offset (only 4-byte alignment is promised). */
  loadV128(offset = 0): this {
    return this.simd(0x00, 2, ...uleb(offset));
  }
  /** `v128.store` with a byte offset. */
  storeV128(offset = 0): this {
    return this.simd(0x0b, 2, ...uleb(offset));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
}

/** One exported function: its `i32` parameters, extra locals (as `[count, type]` runs) and body. */
export interface FunctionDef {
  name: string;
  params: number;
  locals: Array<[number, number]>;
  code: CodeWriter;
}

/**
 * A module that imports its memory as `env.memory` (shared with a maximum when `shared`, as the threaded
 * tfjs build's memory is) and exports `functions` (no results).
 */
export function encodeModule(functions: FunctionDef[], shared: boolean): Uint8Array {
  const signatures = [...new Set(functions.map((f) => f.params))];
  const types = signatures.map((n) => [0x60, ...uleb(n), ...Array<number>(n).fill(I32), 0]);
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = [[...uleb(3), ...utf8('env'), ...uleb(6), ...utf8('memory'), 0x02, ...limits]];
  const funcs = functions.map((f) => uleb(signatures.indexOf(f.params)));
  const exports = functions.map((f, i) => [...uleb(f.name.length), ...utf8(f.name), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
