import { float } from './graph-builder';
import type { GraphValue } from './graph-builder';
import { type ConvertContext, type LayerLike, unsupported } from './layer-context';

/** Softmax over the tfjs channel (last) axis: axis 1 of an NCHW value, the last axis otherwise. */
function softmaxAxis(x: GraphValue): number {
  return x.layout === 'nchw' ? 1 : x.shape.length - 1;
}

/**
 * Appends the tfjs activation `name` (as in a layer config: `'relu'`, `'softmax'`…) to `x`. `'linear'`
 * (or none) returns `x` itself.
 *
 * @throws {@link UnsupportedLayerError} for activations without an ONNX translation here.
 */
export function applyActivation(
  ctx: Pick<ConvertContext, 'builder'>,
  layer: LayerLike,
  x: GraphValue,
  name: unknown,
) {
  const b = ctx.builder;
  const base = `${layer.name}/${String(name)}`;
  const unary = (op: string, attributes?: Parameters<typeof b.op>[3]): GraphValue => ({
    ...x,
    name: b.op(op, base, [x.name], attributes),
  });
  switch (name) {
    case undefined:
    case null:
    case 'linear':
      return x;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return {
        ...x,
        name: b.op('Clip', base, [
          x.name,
          b.floats('zero', [], Float32Array.of(0)),
          b.floats('six', [], Float32Array.of(6)),
        ]),
      };
    case 'sigmoid':
      return unary('Sigmoid');
    case 'tanh':
      return unary('Tanh');
    case 'elu':
      return unary('Elu', [float('alpha', 1)]);
    case 'selu':
      return unary('Selu');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'hardSigmoid':
      return unary('HardSigmoid', [float('alpha', 0.2), float('beta', 0.5)]);
    case 'swish': {
      const s = b.op('Sigmoid', base, [x.name]);
      return { ...x, name: b.op('Mul', base, [x.name, s]) };
    }
    case 'softmax':
      return unary('Softmax', [{ name: 'axis', kind: 'int', value: softmaxAxis(x) }]);
    default:
      throw unsupported(layer, `activation '${String(name)}' has no ONNX translation here`);
  }
}
