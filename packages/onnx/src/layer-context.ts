import type * as tf from '@tensorflow/tfjs-core';
import { UnsupportedLayerError } from './errors';
import type { GraphBuilder, GraphValue } from './graph-builder';

/** What the exporter reads from a tfjs-layers `Layer` (structural, so any copy of tfjs-layers works). */
export interface LayerLike {
  readonly name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
}

/** Everything a layer converter needs: the graph, the layer, its converted inputs and its tfjs output shape. */
export interface ConvertContext {
  readonly builder: GraphBuilder;
  readonly layer: LayerLike;
  readonly inputs: readonly GraphValue[];
  readonly outputShape: readonly (number | null)[];
  /** A `BatchNormalization` that directly and only follows this convolution: fold it into the weights. */
  readonly foldedBatchNorm?: LayerLike;
}

/** Converts one layer application; returns the value standing for the layer's output. */
export type LayerConverter = (ctx: ConvertContext) => GraphValue;

/** An {@link UnsupportedLayerError} for `layer`, with the reason and what to do instead. */
export function unsupported(layer: LayerLike, reason: string): UnsupportedLayerError {
  const cls = layer.getClassName();
  return new UnsupportedLayerError(
    layer.name,
    cls,
    `toOnnx: layer '${layer.name}' (${cls}) cannot be exported to ONNX: ${reason}. Evaluate this model with ` +
      "tfjs (engine: 'tfjs'), or let createEvaluationModel fall back with engine: 'auto'.",
  );
}

/** The single input of a one-input layer. */
export function onlyInput(ctx: ConvertContext): GraphValue {
  if (ctx.inputs.length !== 1) throw unsupported(ctx.layer, `it has ${ctx.inputs.length} inputs, expected 1`);
  return ctx.inputs[0];
}

/** The layer's weights copied to plain arrays (the tensors stay owned by the layer). */
export function weightsOf(layer: LayerLike): Float32Array[] {
  return layer.getWeights().map((w) => {
    if (w.dtype !== 'float32')
      throw unsupported(layer, `weight of dtype ${w.dtype}, only float32 is exported`);
    return new Float32Array(w.dataSync());
  });
}

/** `[a, a]` for a number, the pair itself for a pair (tfjs accepts both in kernel sizes and strides). */
export function pair(layer: LayerLike, key: string, fallback?: number): [number, number] {
  const v = layer.getConfig()[key] ?? fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0], v[1]];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0], v[0]];
  throw unsupported(layer, `config '${key}' is ${JSON.stringify(v)}, expected a number or two numbers`);
}

/** Rejects `dataFormat: 'channelsFirst'` (the exporter handles tfjs's default NHWC layout). */
export function assertChannelsLast(layer: LayerLike): void {
  const format = layer.getConfig().dataFormat;
  if (format !== undefined && format !== 'channelsLast') {
    throw unsupported(layer, `dataFormat '${String(format)}'; only 'channelsLast' is supported`);
  }
}

/** Requires a rank-4 (NCHW in the graph) input. */
export function spatialInput(ctx: ConvertContext): GraphValue {
  const x = onlyInput(ctx);
  if (x.layout !== 'nchw')
    throw unsupported(ctx.layer, `input of shape [${x.shape.join(', ')}], expected NHWC`);
  assertChannelsLast(ctx.layer);
  return x;
}

/**
 * Explicit ONNX pads `[top, left, bottom, right]` reproducing tfjs padding: none for `'valid'`; for
 * `'same'`, the total `max((⌈in/s⌉ − 1)·s + (k − 1)·d + 1 − in, 0)` with the extra row/column at the end.
 */
export function tfPads(
  layer: LayerLike,
  inputHW: readonly (number | null)[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number] = [1, 1],
): number[] {
  const padding = layer.getConfig().padding ?? 'valid';
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw unsupported(layer, `padding '${String(padding)}'; use 'same' or 'valid'`);
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = inputHW[i];
    if (size == null) throw unsupported(layer, "'same' padding needs a known input height and width");
    const out = Math.ceil(size / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [before[0], before[1], after[0], after[1]];
}
