import * as tfl from '@tensorflow/tfjs-layers';
import { PACKAGE, InvalidOptionError, UnknownLayerError } from './errors';
import type { SimilarityRegularizerOptions } from './similarity-regularizer';

/**
 * Resolves the regularizer's feature source: either `model` + `taps` (builds a multi-output model from
 * the model's inputs to the tapped layers' outputs, sharing weights) or a ready `featureModel` (with
 * `taps`, only the outputs of those layers are used, e.g. `featureModel(model)` of `@pixsim/models`
 * with `RESNET_TAPS`, leaving out its final logits output).
 */
export function buildFeatureModel(
  fn: string,
  options: SimilarityRegularizerOptions,
): { featureModel: tfl.LayersModel; taps: string[]; outputIndices: number[] } {
  const { model, featureModel } = options;
  if (model && featureModel) {
    throw new InvalidOptionError(PACKAGE, `${fn}: pass either model (with taps) or featureModel, not both.`);
  }
  if (featureModel) {
    if (!isLayersModel(featureModel)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: featureModel must be a tf.LayersModel whose outputs include the taps.`,
      );
    }
    const names = featureModel.outputLayers.map((l) => l.name);
    if (!options.taps) {
      assertUniqueTaps(fn, names);
      return { featureModel, taps: names, outputIndices: names.map((_, i) => i) };
    }
    const taps = [...options.taps];
    assertUniqueTaps(fn, taps);
    const outputIndices = taps.map((tap) => {
      const index = names.indexOf(tap);
      if (index < 0) {
        throw new UnknownLayerError(
          `${fn}: the featureModel has no output from layer '${tap}'; its outputs come from ${names
            .map((n) => `'${n}'`)
            .join(', ')}. Fix the tap name.`,
        );
      }
      return index;
    });
    return { featureModel, taps, outputIndices };
  }
  if (!isLayersModel(model)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: pass model (a tf.LayersModel) with taps (names of its layers), or a ready featureModel.`,
    );
  }
  const taps = options.taps ? [...options.taps] : [];
  if (taps.length === 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: taps must name at least one layer of the model (e.g. ['stem', 'stage1', 'stage2', 'stage3', ` +
        `'stage4'] for the pixsim ResNets); its layers are ${layerList(model)}.`,
    );
  }
  assertUniqueTaps(fn, taps);
  const outputs = taps.map((name) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) {
      throw new UnknownLayerError(
        `${fn}: the model has no layer '${name}'; its layers are ${layerList(model)}. Fix the tap name.`,
      );
    }
    try {
      return layer.output as tfl.SymbolicTensor;
    } catch (err) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: layer '${name}' cannot be tapped (${(err as Error).message}); tap a layer used once in the graph.`,
      );
    }
  });
  return {
    featureModel: tfl.model({ inputs: model.inputs, outputs }),
    taps,
    outputIndices: taps.map((_, i) => i),
  };
}

function assertUniqueTaps(fn: string, taps: string[]): void {
  const seen = new Set<string>();
  for (const t of taps) {
    if (typeof t !== 'string' || t.length === 0) {
      throw new InvalidOptionError(PACKAGE, `${fn}: tap names must be non-empty strings, got ${String(t)}.`);
    }
    if (seen.has(t))
      throw new InvalidOptionError(PACKAGE, `${fn}: tap '${t}' is listed twice; list each layer once.`);
    seen.add(t);
  }
}

function layerList(model: tfl.LayersModel): string {
  const names = model.layers.map((l) => `'${l.name}'`);
  return names.length > 30 ? `${names.slice(0, 30).join(', ')}, …` : names.join(', ');
}

/** Duck-typed check, so that a model built with another copy of tfjs-layers is accepted. */
function isLayersModel(x: unknown): x is tfl.LayersModel {
  const m = x as tfl.LayersModel | null;
  return m != null && typeof m.apply === 'function' && Array.isArray(m.layers) && Array.isArray(m.outputs);
}
