/**
 * A minimal protocol-buffers writer (wire format only: varints, 32-bit floats, length-delimited fields),
 * enough to serialise the ONNX messages in `onnx-proto.ts`. Fields are written in call order; nested
 * messages are written into their own writer and embedded as bytes.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(256);
  private pos = 0;
  private total = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.current.length) return;
    this.chunks.push(this.current.subarray(0, this.pos));
    this.total += this.pos;
    this.current = new Uint8Array(Math.max(n, 4096));
    this.pos = 0;
  }

  private varint(value: number | bigint): void {
    // int64 fields: negative numbers are ten-byte two's complement varints.
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.current[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.current[this.pos++] = Number(v);
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.current.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A varint field (`int32`, `int64`, enums). */
  int(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** A `float` field. */
  float(field: number, value: number): this {
    this.tag(field, 5);
    this.reserve(4);
    new DataView(this.current.buffer, this.current.byteOffset + this.pos, 4).setFloat32(0, value, true);
    this.pos += 4;
    return this;
  }

  /** A `bytes` field (or an embedded message already serialised). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A `string` field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed `repeated int64` field. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The serialised message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.total + this.pos);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    out.set(this.current.subarray(0, this.pos), offset);
    return out;
  }
}
