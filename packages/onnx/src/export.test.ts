import { resnet18 } from '@pixsim/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { OnnxError, UnsupportedLayerError, UnsupportedModelError } from './errors';
import { toOnnx } from './export';
import { userCnn } from './test-helpers';

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('toOnnx', () => {
  it('exports the CIFAR ResNet18 with every batch norm folded, without leaking tensors', () => {
    const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 8, seed: 1 });
    const start = tf.memory().numTensors;
    const out = toOnnx(model);
    expect(tf.memory().numTensors).toBe(start);
    // stem + 16 block convolutions + 3 shortcut convolutions, each followed by its batch norm.
    expect(out.foldedBatchNorms).toBe(20);
    expect(out.inputShape).toEqual([null, 32, 32, 1]);
    expect(out.outputShape).toEqual([null, 10]);
    // Every convolution and dense weight is stored as float32 (the folded batch norms add only biases).
    const weights = model.layers
      .filter((l) => ['Conv2D', 'Dense'].includes(l.getClassName()))
      .reduce((sum, l) => sum + l.countParams(), 0);
    expect(out.bytes.length).toBeGreaterThan(4 * weights);
    expect(out.bytes.length).toBeLessThan(4 * weights + 100_000);
    model.dispose();
  });

  it('exports a sequential CNN; a batch norm after an activated convolution stays a batch norm', () => {
    const model = userCnn([28, 28, 1]);
    const out = toOnnx(model);
    expect(out.foldedBatchNorms).toBe(1);
    expect(new TextDecoder().decode(out.bytes)).toContain('BatchNormalization');
    model.dispose();
  });

  it('names the unsupported layer in a typed error', () => {
    const input = tfl.input({ shape: [8, 8, 2] });
    const up = tfl.layers
      .upSampling2d({ size: [2, 2], name: 'my_upsampling' })
      .apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(up) as tfl.SymbolicTensor;
    const model = tfl.model({
      inputs: input,
      outputs: tfl.layers.dense({ units: 3 }).apply(flat) as tfl.SymbolicTensor,
    });
    const error = catchError(() => toOnnx(model));
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_LAYER',
      layer: 'my_upsampling',
      layerClass: 'UpSampling2D',
    });
    expect((error as Error).message).toMatch(/my_upsampling.*engine: 'auto'/s);
    expect(OnnxError.isOnnxError(error)).toBe(true);
    model.dispose();
  });

  it('rejects channels-first convolutions, unknown activations and dense layers on images', () => {
    const cases: [tfl.layers.Layer, string][] = [
      [
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'cf' }),
        'channelsLast',
      ],
      [
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'mish', name: 'mish_conv' }),
        "activation 'mish'",
      ],
      [tfl.layers.dense({ units: 2, name: 'dense_on_maps' }), 'Flatten'],
    ];
    for (const [layer, hint] of cases) {
      const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [6, 6, 2] }), layer] });
      const error = catchError(() => toOnnx(model)) as UnsupportedLayerError;
      expect(error).toBeInstanceOf(UnsupportedLayerError);
      expect(error.layer).toBe(layer.name);
      expect(error.message).toContain(hint);
      model.dispose();
    }
  });

  it('rejects models with two outputs or an input of unknown size', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
    const two = tfl.model({ inputs: input, outputs: [a, b] });
    expect(() => toOnnx(two)).toThrow(UnsupportedModelError);
    const free = tfl.input({ shape: [null, null, 3] });
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(free) as tfl.SymbolicTensor;
    const anySize = tfl.model({ inputs: free, outputs: pooled });
    expect(catchError(() => toOnnx(anySize))).toMatchObject({ code: 'UNSUPPORTED_MODEL' });
    two.dispose();
    anySize.dispose();
  });

  it('recognises its errors across copies of the package by marker, not by prototype', async () => {
    // A second, separately evaluated copy of the module (as two installed copies of the package would be).
    const secondCopy = './errors?second-copy';
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('./errors');
    expect(other.OnnxError).not.toBe(OnnxError);
    const foreign = new other.UnsupportedLayerError('conv', 'Conv2D', 'x');
    expect(OnnxError.isInstance(foreign)).toBe(true);
    expect(UnsupportedLayerError.isInstance(foreign)).toBe(true);
    expect(OnnxError.isOnnxError(foreign)).toBe(true);
    expect(OnnxError.isOnnxError(new Error('x'))).toBe(false);
    expect(OnnxError.isOnnxError(null)).toBe(false);
  });
});
