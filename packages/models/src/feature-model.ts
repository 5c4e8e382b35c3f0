import * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, UnknownTapError, UnsupportedModelError } from './errors';
import { assertLiveModel } from './live-model';
import { RESNET_TAPS } from './resnet';

/**
 * Re-applies every layer of `model` to a new input, in topological order, reusing the same layer
 * objects (hence the same weights). Returns the map from each original symbolic tensor id to its
 * counterpart on the new input.
 */
function rewire(
  model: tfl.LayersModel,
  input: tfl.SymbolicTensor,
): { mapped: Map<number, tfl.SymbolicTensor>; byLayer: Map<string, tfl.SymbolicTensor> } {
  const mapped = new Map<number, tfl.SymbolicTensor>([[model.inputs[0].id, input]]);
  const byLayer = new Map<string, tfl.SymbolicTensor>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    // The node of this layer that belongs to `model`: the first one whose inputs are all mapped (nodes
    // added by earlier feature models hang off other inputs and never match).
    const node = layer.inboundNodes.find((n) => n.inputTensors.every((t) => mapped.has(t.id)));
    if (node == null) {
      throw new UnsupportedModelError(
        PACKAGE,
        `featureModel: layer '${layer.name}' of model '${model.name}' is not connected to the model input ` +
          '(nested models and multi-input graphs are not supported). Pass a flat single-input model such as ' +
          'the ones resnet18()/resnet34() build.',
      );
    }
    const inputs = node.inputTensors.map((t) => mapped.get(t.id)!);
    let out: tfl.SymbolicTensor | tfl.SymbolicTensor[];
    try {
      out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as
        | tfl.SymbolicTensor
        | tfl.SymbolicTensor[];
    } catch (error) {
      throw new UnsupportedModelError(
        PACKAGE,
        `featureModel: layer '${layer.name}' (${layer.getClassName()}) cannot take images of any size ` +
          `(${(error as Error).message}). The feature model is fully convolutional: end the classifier's ` +
          'convolutional part with global pooling (as resnet18()/resnet34() do) instead of Flatten.',
      );
    }
    const outs = (Array.isArray(out) ? out : [out]) as tfl.SymbolicTensor[];
    node.outputTensors.forEach((t, i) => {
      mapped.set(t.id, outs[i]);
    });
    byLayer.set(layer.name, outs[0]);
  }
  return { mapped, byLayer };
}

/**
 * A model sharing all weights with `model` whose outputs are `[...taps, logits]`: the tapped feature
 * maps (`[N, h, w, c]` each, in the order asked) followed by the classifier output. One forward pass
 * (e.g. `featureModel(model).apply(x, { training: true })` inside a training step) gives both the
 * features for the similarity loss and the logits for the task loss.
 *
 * The returned model is fully convolutional: its input is `[null, null, C]`, so images of any spatial
 * size go through it (36×64 ImageNet regularization images through a network built for 32×32 CIFAR).
 * Its layers are the classifier's layer objects, re-applied to a new input: training either model
 * trains both. Disposing it releases its references only; the weights live until the classifier is
 * disposed too.
 *
 * @param model - a single-input, single-output model, typically from {@link resnet18}/{@link resnet34}.
 * @param taps - layer names to tap, default {@link RESNET_TAPS} (stem and the four stage outputs).
 * @throws {@link UnknownTapError} for a name that is not a layer of `model`, or a duplicate name.
 * @throws {@link UnsupportedModelError} for a model with several inputs or outputs.
 *
 * @example
 * ```ts
 * const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 16 });
 * const features = featureModel(model);
 * const [stem, s1, s2, s3, s4, logits] = features.predict(tf.zeros([2, 36, 64, 1])) as tf.Tensor[];
 * ```
 */
export function featureModel(model: tfl.LayersModel, taps: readonly string[] = RESNET_TAPS): tfl.LayersModel {
  const fn = 'featureModel';
  const graph = graphOf(fn, model);
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new UnsupportedModelError(
      PACKAGE,
      `${fn}: the model has ${graph.inputs.length} input(s) and ${graph.outputs.length} output(s); exactly ` +
        'one of each is required. Pass a classifier such as the ones resnet18()/resnet34() build.',
    );
  }
  if (!Array.isArray(taps)) {
    throw new UnknownTapError(`${fn}: taps must be an array of layer names, e.g. RESNET_TAPS.`);
  }
  const names = new Set(graph.layers.map((l) => l.name));
  const seen = new Set<string>();
  for (const tap of taps) {
    if (typeof tap !== 'string' || !names.has(tap) || tap === graph.inputLayers[0].name) {
      throw new UnknownTapError(
        `${fn}: '${String(tap)}' is not a layer of model '${graph.name}'. Use the names of RESNET_TAPS ` +
          `(${RESNET_TAPS.join(', ')}) or another layer name from model.layers.`,
      );
    }
    if (seen.has(tap)) {
      throw new UnknownTapError(`${fn}: tap '${tap}' is listed twice. List each tap once.`);
    }
    seen.add(tap);
  }
  const channels = graph.inputs[0].shape[graph.inputs[0].shape.length - 1];
  const input = tfl.input({ shape: [null, null, channels], name: `${graph.name}_features_input` });
  const { mapped, byLayer } = rewire(graph, input);
  const outputs = [...taps.map((t) => byLayer.get(t)!), mapped.get(graph.outputs[0].id)!];
  return tfl.model({ inputs: input, outputs, name: `${graph.name}_features` });
}

/**
 * The functional graph of `model`: the model itself, or the inner graph of a `tf.sequential` (whose
 * layers it shares). Throws {@link InvalidOptionError} for a non-model or a disposed model.
 */
function graphOf(fn: string, model: unknown): tfl.LayersModel {
  assertLiveModel(fn, model);
  if (model.getClassName() === 'Sequential') {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new UnsupportedModelError(
        PACKAGE,
        `${fn}: the tf.sequential model '${model.name}' is not built yet; give its first layer an inputShape.`,
      );
    }
    // The sequential's own symbolic graph as a functional model over the same layers (shared weights).
    return tfl.model({ inputs: model.inputs, outputs: model.outputs, name: `${model.name}_graph` });
  }
  return model;
}
