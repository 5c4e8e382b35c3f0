import type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxNode, OnnxValueInfo } from './onnx-proto';

/**
 * A value of the exported graph: its ONNX name, and how it is laid out. tfjs models are NHWC; the graph
 * keeps rank-4 values NCHW (ONNX's convolution layout) and rank-2 values as they are. `shape` is the tfjs
 * shape (NHWC, `null` batch) of the value.
 */
export interface GraphValue {
  name: string;
  layout: 'nchw' | 'plain';
  shape: readonly (number | null)[];
}

/** Collects the nodes and constants of the graph under construction, with unique names. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();

  /** A value name not used before, derived from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A float32 constant. Returns its name. */
  floats(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** An int64 constant (shapes, pads). Returns its name. */
  ints(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  /** Appends `opType(inputs)` with one output named after `base`. Returns the output's name. */
  op(opType: string, base: string, inputs: readonly string[], attributes?: readonly OnnxAttribute[]): string {
    const output = this.fresh(base);
    this.nodes.push({ opType, name: this.fresh(`${base}:${opType}`), inputs, outputs: [output], attributes });
    return output;
  }

  /** The finished graph. */
  graph(name: string, inputs: readonly OnnxValueInfo[], outputs: readonly OnnxValueInfo[]): OnnxGraph {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs, outputs };
  }
}

/** Integer attribute. */
export const int = (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value });
/** Float attribute. */
export const float = (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value });
/** Integer list attribute. */
export const ints = (name: string, value: readonly number[]): OnnxAttribute => ({
  name,
  kind: 'ints',
  value,
});
