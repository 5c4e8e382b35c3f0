import { applyActivation } from './activations';
import { convertBatchNorm, convertConvolution } from './convolution';
import { float, type GraphValue, int, ints } from './graph-builder';
import {
  type ConvertContext,
  type LayerConverter,
  onlyInput,
  pair,
  spatialInput,
  tfPads,
  unsupported,
  weightsOf,
} from './layer-context';

/** `MaxPooling2D` / `AveragePooling2D` → `MaxPool` / `AveragePool` (padding excluded from averages, as in tfjs). */
function pooling(op: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (ctx) => {
    const x = spatialInput(ctx);
    const kernel = pair(ctx.layer, 'poolSize', 2);
    const strides = pair(ctx.layer, 'strides', kernel[0]);
    const pads = tfPads(ctx.layer, x.shape.slice(1, 3), kernel, strides);
    const attributes = [ints('kernel_shape', kernel), ints('strides', strides), ints('pads', pads)];
    if (op === 'AveragePool') attributes.push(int('count_include_pad', 0));
    return {
      name: ctx.builder.op(op, ctx.layer.name, [x.name], attributes),
      layout: 'nchw',
      shape: ctx.outputShape,
    };
  };
}

/** `GlobalAveragePooling2D` / `GlobalMaxPooling2D` → `GlobalAveragePool` / `GlobalMaxPool` (+ `Flatten`). */
function globalPooling(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (ctx) => {
    const x = spatialInput(ctx);
    const pooled = ctx.builder.op(op, ctx.layer.name, [x.name]);
    if (ctx.layer.getConfig().keepDims === true)
      return { name: pooled, layout: 'nchw', shape: ctx.outputShape };
    const flat = ctx.builder.op('Flatten', ctx.layer.name, [pooled], [int('axis', 1)]);
    return { name: flat, layout: 'plain', shape: ctx.outputShape };
  };
}

/** NCHW back to tfjs's NHWC order (before flattening or at the graph output). */
export function toNhwc(ctx: Pick<ConvertContext, 'builder'>, x: GraphValue, base: string): string {
  if (x.layout !== 'nchw') return x.name;
  return ctx.builder.op('Transpose', base, [x.name], [ints('perm', [0, 2, 3, 1])]);
}

/** `Flatten`: tfjs flattens NHWC (height, width, channel order), so NCHW values are transposed first. */
const flatten: LayerConverter = (ctx) => {
  const x = onlyInput(ctx);
  if (x.shape.length === 2) return x;
  const nhwc = toNhwc(ctx, x, `${ctx.layer.name}/nhwc`);
  const name = ctx.builder.op('Flatten', ctx.layer.name, [nhwc], [int('axis', 1)]);
  return { name, layout: 'plain', shape: ctx.outputShape };
};

/** `Dense` on a rank-2 input → `Gemm` (+ activation). */
const dense: LayerConverter = (ctx) => {
  const { layer, builder: b } = ctx;
  const x = onlyInput(ctx);
  if (x.shape.length !== 2) {
    throw unsupported(layer, `input of rank ${x.shape.length}; add a Flatten (or global pooling) before it`);
  }
  const [kernelTensor] = layer.getWeights();
  const [kernel, bias] = weightsOf(layer);
  const [inputs, units] = kernelTensor.shape;
  const args = [x.name, b.floats(`${layer.name}/W`, [inputs, units], kernel)];
  if (layer.getConfig().useBias !== false) args.push(b.floats(`${layer.name}/B`, [units], bias));
  const y: GraphValue = { name: b.op('Gemm', layer.name, args), layout: 'plain', shape: ctx.outputShape };
  return applyActivation(ctx, layer, y, layer.getConfig().activation);
};

/** `ZeroPadding2D` → `Pad` (constant zeros). */
const zeroPadding: LayerConverter = (ctx) => {
  const x = spatialInput(ctx);
  const p = ctx.layer.getConfig().padding;
  let rows: number[];
  let cols: number[];
  if (typeof p === 'number')
    [rows, cols] = [
      [p, p],
      [p, p],
    ];
  else if (Array.isArray(p) && p.every((v) => typeof v === 'number'))
    [rows, cols] = [
      [p[0], p[0]],
      [p[1], p[1]],
    ];
  else if (Array.isArray(p) && p.every((v) => Array.isArray(v))) [rows, cols] = p as number[][];
  else throw unsupported(ctx.layer, `padding ${JSON.stringify(p)}`);
  const pads = ctx.builder.ints(`${ctx.layer.name}/pads`, [0, 0, rows[0], cols[0], 0, 0, rows[1], cols[1]]);
  return {
    name: ctx.builder.op('Pad', ctx.layer.name, [x.name, pads]),
    layout: 'nchw',
    shape: ctx.outputShape,
  };
};

/** All inputs of a merge layer, which must share one layout. */
function sameLayout(ctx: ConvertContext): GraphValue[] {
  const xs = [...ctx.inputs];
  if (xs.length < 2 || xs.some((x) => x.layout !== xs[0].layout || x.shape.length !== xs[0].shape.length)) {
    throw unsupported(ctx.layer, 'its inputs differ in rank (broadcasting merges are not exported)');
  }
  return xs;
}

/** `Add` → `Add` (two inputs) or `Sum`. */
const add: LayerConverter = (ctx) => {
  const xs = sameLayout(ctx);
  const op = xs.length === 2 ? 'Add' : 'Sum';
  return {
    ...xs[0],
    name: ctx.builder.op(
      op,
      ctx.layer.name,
      xs.map((x) => x.name),
    ),
    shape: ctx.outputShape,
  };
};

/** `Concatenate` along the channel (last) axis → `Concat`. */
const concatenate: LayerConverter = (ctx) => {
  const xs = sameLayout(ctx);
  const axis = Number(ctx.layer.getConfig().axis ?? -1);
  if (axis !== -1 && axis !== xs[0].shape.length - 1)
    throw unsupported(ctx.layer, `axis ${axis}; only the last axis`);
  const name = ctx.builder.op(
    'Concat',
    ctx.layer.name,
    xs.map((x) => x.name),
    [int('axis', 1)],
  );
  return { ...xs[0], name, shape: ctx.outputShape };
};

/** `Activation`, `ReLU`, `LeakyReLU`, `ELU`, `Softmax` layers. */
const activationLayer: LayerConverter = (ctx) => {
  const { layer } = ctx;
  const x = onlyInput(ctx);
  const config = layer.getConfig();
  switch (layer.getClassName()) {
    case 'Activation':
      return applyActivation(ctx, layer, x, config.activation);
    case 'ReLU': {
      if (config.maxValue == null) return applyActivation(ctx, layer, x, 'relu');
      const b = ctx.builder;
      const bounds = [
        b.floats('zero', [], Float32Array.of(0)),
        b.floats('max', [], Float32Array.of(Number(config.maxValue))),
      ];
      return { ...x, name: b.op('Clip', layer.name, [x.name, ...bounds]) };
    }
    case 'LeakyReLU':
      return {
        ...x,
        name: ctx.builder.op(
          'LeakyRelu',
          layer.name,
          [x.name],
          [float('alpha', Number(config.alpha ?? 0.3))],
        ),
      };
    case 'ELU':
      return {
        ...x,
        name: ctx.builder.op('Elu', layer.name, [x.name], [float('alpha', Number(config.alpha ?? 1))]),
      };
    default: {
      const axis = Number(config.axis ?? -1);
      if (axis !== -1 && axis !== x.shape.length - 1)
        throw unsupported(layer, `softmax axis ${axis}; only the last axis`);
      return applyActivation(ctx, layer, x, 'softmax');
    }
  }
};

/** Layers that are the identity at inference (dropout and noise). */
const identity: LayerConverter = (ctx) => ({ ...onlyInput(ctx), shape: ctx.outputShape });

/** The converter of every supported layer class. */
export const CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv2D: convertConvolution,
  DepthwiseConv2D: convertConvolution,
  BatchNormalization: convertBatchNorm,
  Dense: dense,
  Flatten: flatten,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPool'),
  ZeroPadding2D: zeroPadding,
  Add: add,
  Concatenate: concatenate,
  Activation: activationLayer,
  ReLU: activationLayer,
  LeakyReLU: activationLayer,
  ELU: activationLayer,
  Softmax: activationLayer,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};

/** Layer classes {@link toOnnx} exports. */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(CONVERTERS);
