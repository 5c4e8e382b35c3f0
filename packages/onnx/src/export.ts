import { assertLiveModel } from './arguments';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, UnsupportedModelError } from './errors';
import { GraphBuilder, type GraphValue, ints } from './graph-builder';
import { type LayerLike, unsupported } from './layer-context';
import { CONVERTERS, SUPPORTED_LAYERS, toNhwc } from './layers';
import { serializeModel } from './onnx-proto';

/** A tfjs-layers `SymbolicTensor`, as far as the exporter reads it. */
interface SymbolicLike {
  readonly id: number;
  readonly shape: readonly (number | null)[];
  readonly sourceLayer: LayerWithNodes;
  readonly nodeIndex: number;
}

/** A tfjs-layers `Node`: one application of a layer. */
interface NodeLike {
  readonly inputTensors: readonly SymbolicLike[];
  readonly outputTensors: readonly SymbolicLike[];
}

interface LayerWithNodes extends LayerLike {
  readonly inboundNodes: readonly NodeLike[];
}

/** One layer application of the exported graph. */
interface Step {
  layer: LayerWithNodes;
  node: NodeLike;
}

/** The result of {@link toOnnx}. */
export interface OnnxExport {
  /** The serialised ONNX model (`ModelProto`, IR 8, opset 13). */
  readonly bytes: Uint8Array;
  /** Name of the graph input (float32, NHWC like the tfjs model, batch dimension `N`). */
  readonly inputName: string;
  /** Name of the graph output. */
  readonly outputName: string;
  /** tfjs shape of the input, `null` batch. */
  readonly inputShape: readonly (number | null)[];
  /** tfjs shape of the output, `null` batch. */
  readonly outputShape: readonly (number | null)[];
  /** How many batch norms were folded into the convolution before them. */
  readonly foldedBatchNorms: number;
}

/** The layer applications the output depends on, inputs before users (depth-first from the output). */
function topologicalSteps(output: SymbolicLike): Step[] {
  const steps: Step[] = [];
  const seen = new Set<NodeLike>();
  const visit = (t: SymbolicLike) => {
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (seen.has(node)) return;
    seen.add(node);
    for (const input of node.inputTensors) visit(input);
    steps.push({ layer, node });
  };
  visit(output);
  return steps;
}

/** How many layer applications (plus the model output) read each symbolic tensor. */
function consumers(steps: readonly Step[], output: SymbolicLike): Map<number, Step[]> {
  const map = new Map<number, Step[]>();
  for (const step of steps) {
    for (const t of step.node.inputTensors) map.set(t.id, [...(map.get(t.id) ?? []), step]);
  }
  map.set(output.id, [
    ...(map.get(output.id) ?? []),
    { layer: output.sourceLayer, node: { inputTensors: [], outputTensors: [] } },
  ]);
  return map;
}

/** The batch norm that only reads this convolution's output, if the convolution has no activation. */
function foldableBatchNorm(step: Step, users: Map<number, Step[]>): Step | undefined {
  const cls = step.layer.getClassName();
  if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D') return undefined;
  const activation = step.layer.getConfig().activation;
  if (activation != null && activation !== 'linear') return undefined;
  const readers = users.get(step.node.outputTensors[0].id) ?? [];
  if (readers.length !== 1 || readers[0].layer.getClassName() !== 'BatchNormalization') return undefined;
  return readers[0];
}

function modelEnds(model: tfl.LayersModel): { input: SymbolicLike; output: SymbolicLike } {
  const { inputs, outputs } = model as unknown as { inputs: SymbolicLike[]; outputs: SymbolicLike[] };
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new UnsupportedModelError(
      PACKAGE,
      `toOnnx: model '${model.name}' has ${inputs.length} inputs and ${outputs.length} outputs; a classifier has one ` +
        'of each. Build a model from the input to the logits tensor and export that.',
    );
  }
  const shape = inputs[0].shape;
  if ((shape.length !== 4 && shape.length !== 2) || shape.slice(1).some((d) => d == null)) {
    throw new UnsupportedModelError(
      PACKAGE,
      `toOnnx: model '${model.name}' has input shape [${shape.join(', ')}]; exported models take images ` +
        '[N, H, W, C] (or vectors [N, F]) with every dimension but the batch known. Give the input layer a full shape.',
    );
  }
  return { input: inputs[0], output: outputs[0] };
}

function convertSteps(
  b: GraphBuilder,
  steps: readonly Step[],
  output: SymbolicLike,
  values: Map<number, GraphValue>,
) {
  const users = consumers(steps, output);
  const folded = new Set<NodeLike>();
  for (const step of steps) {
    const { layer, node } = step;
    if (folded.has(node) || node.outputTensors.every((t) => values.has(t.id))) continue;
    const convert = CONVERTERS[layer.getClassName()];
    if (convert === undefined) {
      throw unsupported(
        layer,
        `layer class ${layer.getClassName()} is not exported (supported: ${SUPPORTED_LAYERS.join(', ')})`,
      );
    }
    if (node.outputTensors.length !== 1)
      throw unsupported(layer, `it has ${node.outputTensors.length} outputs`);
    const inputs = node.inputTensors.map((t) => values.get(t.id)!);
    const bn = foldableBatchNorm(step, users);
    if (bn !== undefined) folded.add(bn.node);
    const outputShape = (bn ?? step).node.outputTensors[0].shape;
    const value = convert({ builder: b, layer, inputs, outputShape, foldedBatchNorm: bn?.layer });
    values.set((bn ?? step).node.outputTensors[0].id, value);
  }
  return folded.size;
}

/**
 * Exports a `tf.LayersModel` (functional or sequential, one input, one output) to an ONNX model in memory,
 * for inference: batch norms use their moving statistics and are folded into the convolution before them,
 * dropout and noise layers vanish. The ONNX model takes the same NHWC float32 batch as the tfjs model and
 * returns the same output. Layers: see {@link SUPPORTED_LAYERS}.
 *
 * @example
 * ```ts
 * const { bytes } = toOnnx(resnet18({ inputShape: [32, 32, 3], classes: 10, width: 16 }));
 * ```
 * @throws {@link UnsupportedLayerError} naming the first layer without an ONNX translation.
 * @throws {@link UnsupportedModelError} for several inputs/outputs or an input shape with unknown sizes.
 * @throws {@link InvalidOptionError} when `model` is not a `tf.LayersModel` or was disposed.
 */
export function toOnnx(model: tfl.LayersModel): OnnxExport {
  assertLiveModel('toOnnx', model);
  const { input, output } = modelEnds(model);
  const b = new GraphBuilder();
  const inputName = b.fresh('input');
  const outputName = b.fresh('output');
  const values = new Map<number, GraphValue>();
  const rank4 = input.shape.length === 4;
  values.set(input.id, {
    name: rank4 ? b.op('Transpose', 'input_nchw', [inputName], [ints('perm', [0, 3, 1, 2])]) : inputName,
    layout: rank4 ? 'nchw' : 'plain',
    shape: input.shape,
  });
  const foldedBatchNorms = convertSteps(b, topologicalSteps(output), output, values);
  const result = values.get(output.id)!;
  b.nodes.push({
    opType: 'Identity',
    name: 'output:Identity',
    inputs: [toNhwc({ builder: b }, result, 'output_nhwc')],
    outputs: [outputName],
  });
  const dims = (shape: readonly (number | null)[]) => ['N', ...shape.slice(1).map((d) => d ?? 'D')];
  const graph = b.graph(
    model.name,
    [{ name: inputName, dims: dims(input.shape) }],
    [{ name: outputName, dims: dims(output.shape) }],
  );
  return {
    bytes: serializeModel(graph),
    inputName,
    outputName,
    inputShape: input.shape,
    outputShape: output.shape,
    foldedBatchNorms,
  };
}
