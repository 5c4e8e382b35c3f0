import { ProtoWriter } from './protobuf';

/**
 * The part of the ONNX format (onnx.proto, IR version 8) that the exporter writes, and its serialisation.
 * Field numbers are those of the ONNX specification.
 */

/** ONNX IR version written into the model. */
export const IR_VERSION = 8;
/** Opset of the default (`ai.onnx`) domain the exported graphs use. */
export const OPSET = 13;

/** One node attribute: an integer, a float, integers, floats or a string. */
export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'floats'; value: readonly number[] }
  | { name: string; kind: 'string'; value: string };

/** A graph node: `opType(inputs) → outputs`. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A constant tensor (weights, shapes): float32 or int64. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output: a float32 tensor whose dimensions are numbers or named symbols (the batch). */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
}

/** A complete graph. */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, (m) => writeAttribute(m, a));
}

/** Little-endian bytes of the tensor data (`raw_data`), whatever the machine's byte order. */
function rawBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  } else {
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, data[i], true);
  }
  return out;
}

function writeInitializer(w: ProtoWriter, t: OnnxInitializer): void {
  w.packedInts(1, t.dims);
  w.int(2, t.data instanceof Float32Array ? FLOAT : INT64);
  w.string(8, t.name);
  w.bytes(9, rawBytes(t.data));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeInitializer(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** Serialises `graph` as an ONNX `ModelProto` (IR {@link IR_VERSION}, opset {@link OPSET}). */
export function serializeModel(graph: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, '@pixsim/onnx');
  w.message(7, (m) => writeGraph(m, graph));
  w.message(8, (m) => m.string(1, '').int(2, OPSET));
  return w.finish();
}
