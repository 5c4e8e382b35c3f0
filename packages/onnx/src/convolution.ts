import { applyActivation } from './activations';
import { float, type GraphValue, ints } from './graph-builder';
import {
  type ConvertContext,
  type LayerLike,
  onlyInput,
  pair,
  spatialInput,
  tfPads,
  unsupported,
  weightsOf,
} from './layer-context';

/** Per-channel `scale` and `shift` of an inference-mode batch norm: `y = x·scale + shift`. */
export interface ChannelAffine {
  scale: Float64Array;
  shift: Float64Array;
}

/**
 * The affine map of a `BatchNormalization` layer at inference, `γ·(x − μ)/√(σ² + ε) + β`, computed in
 * double precision, for an input of rank `rank`. Only the channel (last) axis is supported.
 */
export function batchNormAffine(layer: LayerLike, channels: number, rank: number): ChannelAffine {
  const config = layer.getConfig();
  const raw = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
  if (raw !== -1 && raw !== rank - 1) {
    const axis = config.axis;
    throw unsupported(layer, `axis ${JSON.stringify(axis)}; only the channel (last) axis is supported`);
  }
  const w = weightsOf(layer);
  let k = 0;
  const gamma = config.scale === false ? null : w[k++];
  const beta = config.center === false ? null : w[k++];
  const [mean, variance] = [w[k++], w[k++]];
  if (variance === undefined || mean.length !== channels) {
    throw unsupported(layer, `its weights do not match ${channels} channels`);
  }
  const epsilon = Number(config.epsilon ?? 1e-3);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon);
    shift[c] = (beta === null ? 0 : beta[c]) - mean[c] * scale[c];
  }
  return { scale, shift };
}

/**
 * Reorders a tfjs kernel `[kh, kw, cin, m]` to ONNX `[cout, cin/group, kh, kw]`. For a plain convolution
 * `m = cout`; for a depthwise one (`depthwise`) output channel `c·m + j` reads input channel `c` only.
 */
function onnxKernel(kernel: Float32Array, dims: readonly number[], depthwise: boolean, scale?: Float64Array) {
  const [kh, kw, cin, m] = dims;
  const cout = depthwise ? cin * m : m;
  const perOut = depthwise ? kh * kw : cin * kh * kw;
  const out = new Float32Array(cout * perOut);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let j = 0; j < m; j++) {
          const src = ((y * kw + x) * cin + i) * m + j;
          const o = depthwise ? i * m + j : j;
          const dst = depthwise ? o * perOut + y * kw + x : o * perOut + (i * kh + y) * kw + x;
          out[dst] = scale === undefined ? kernel[src] : kernel[src] * scale[o];
        }
      }
    }
  }
  return { data: out, dims: depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw] };
}

/** The kernel (and bias) of a `Conv2D` or `DepthwiseConv2D`, and the shape of its kernel. */
function convWeights(layer: LayerLike) {
  const [kernelTensor] = layer.getWeights();
  const w = weightsOf(layer);
  const useBias = layer.getConfig().useBias !== false;
  return { kernel: w[0], dims: kernelTensor.shape as number[], bias: useBias ? w[1] : null };
}

/** `Conv2D` / `DepthwiseConv2D` → ONNX `Conv` (+ activation), with a following batch norm folded in. */
export function convertConvolution(ctx: ConvertContext): GraphValue {
  const { layer, builder: b } = ctx;
  const x = spatialInput(ctx);
  const depthwise = layer.getClassName() === 'DepthwiseConv2D';
  const { kernel, dims, bias } = convWeights(layer);
  const kernelSize = pair(layer, 'kernelSize');
  const strides = pair(layer, 'strides', 1);
  const dilations = pair(layer, 'dilationRate', 1);
  const cout = depthwise ? dims[2] * dims[3] : dims[3];
  const affine =
    ctx.foldedBatchNorm === undefined ? undefined : batchNormAffine(ctx.foldedBatchNorm, cout, 4);
  const w = onnxKernel(kernel, dims, depthwise, affine?.scale);
  const biasData = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const raw = bias === null ? 0 : bias[o];
    biasData[o] = affine === undefined ? raw : raw * affine.scale[o] + affine.shift[o];
  }
  const inputs = [x.name, b.floats(`${layer.name}/W`, w.dims, w.data)];
  if (bias !== null || affine !== undefined) inputs.push(b.floats(`${layer.name}/B`, [cout], biasData));
  const y = b.op('Conv', layer.name, inputs, [
    ints('kernel_shape', kernelSize),
    ints('strides', strides),
    ints('dilations', dilations),
    ints('pads', tfPads(layer, x.shape.slice(1, 3), kernelSize, strides, dilations)),
    { name: 'group', kind: 'int', value: depthwise ? dims[2] : 1 },
  ]);
  const out: GraphValue = { name: y, layout: 'nchw', shape: ctx.outputShape };
  return applyActivation(ctx, layer, out, layer.getConfig().activation);
}

/** A `BatchNormalization` that could not be folded into a convolution → ONNX `BatchNormalization`. */
export function convertBatchNorm(ctx: ConvertContext): GraphValue {
  const { layer, builder: b } = ctx;
  const x = onlyInput(ctx);
  const channels = x.shape[x.shape.length - 1];
  if (channels == null) throw unsupported(layer, 'its channel count is unknown');
  const { scale, shift } = batchNormAffine(layer, channels, x.shape.length);
  const zeros = new Float32Array(channels);
  const ones = new Float32Array(channels).fill(1);
  const name = b.op(
    'BatchNormalization',
    layer.name,
    [
      x.name,
      b.floats(`${layer.name}/scale`, [channels], Float32Array.from(scale)),
      b.floats(`${layer.name}/shift`, [channels], Float32Array.from(shift)),
      b.floats(`${layer.name}/zero`, [channels], zeros),
      b.floats(`${layer.name}/one`, [channels], ones),
    ],
    [float('epsilon', 0)],
  );
  return { ...x, name, shape: ctx.outputShape };
}
