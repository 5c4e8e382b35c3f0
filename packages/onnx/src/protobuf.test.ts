import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf';

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe('ProtoWriter', () => {
  it('writes varints with their field tags (the protobuf documentation example: 150 in field 1)', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().int(2, 0))).toEqual([0x10, 0x00]);
  });

  it('writes negative int64 as ten-byte two’s complement', () => {
    expect(bytes(new ProtoWriter().int(1, -1))).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('writes floats little-endian with wire type 5', () => {
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });

  it('writes strings, nested messages and packed integers length-delimited', () => {
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    expect(bytes(new ProtoWriter().message(3, (m) => m.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().packedInts(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
  });

  it('keeps the order of fields across internal buffer growth', () => {
    const w = new ProtoWriter();
    const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
    w.int(1, 1).bytes(2, big).int(3, 7);
    const out = w.finish();
    expect(out.length).toBe(2 + 3 + 10_000 + 2);
    expect(Array.from(out.subarray(0, 5))).toEqual([0x08, 0x01, 0x12, 0x90, 0x4e]);
    expect(out[5 + 9_999]).toBe(9_999 & 0xff);
    expect(Array.from(out.subarray(out.length - 2))).toEqual([0x18, 0x07]);
  });
});
