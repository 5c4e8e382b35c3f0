import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { InvalidOptionError, OnnxError, UnsupportedLayerError, UnsupportedModelError } from './errors';
import { createEvaluationModel, type EvaluationModel } from './evaluation';
import { toOnnx } from './export';
import { createOnnxModel, type OnnxModel } from './onnx-model';
import { resolveOnnxRuntime } from './session-thread';

/** A small CNN over [6, 6, 1] images with 3 classes (kept across runs). */
function tinyCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 2,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.heNormal({ seed: 2 }) }),
    ],
  });
}

const model = tinyCnn();
afterAll(() => model.dispose());

/**
 * Models that cannot be exported: disposed, several outputs, unknown sizes, a layer without ONNX
 * translation. Built once (their weights are tensors that outlive any one call), disposed at the end.
 */
const prebuilt = [
  () => {
    const m = tinyCnn();
    m.dispose();
    return m;
  },
  () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: [a, b] });
  },
  () =>
    tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [null, null, 1], filters: 1, kernelSize: 1 })],
    }),
  () =>
    tfl.sequential({
      layers: [tfl.layers.conv2dTranspose({ inputShape: [4, 4, 1], filters: 1, kernelSize: 2 })],
    }),
  () => ({ bytes: 'not bytes', inputShape: [null, 6, 6, 1] }),
].map((make) => make());
afterAll(() => {
  for (const m of prebuilt) if (m instanceof tfl.LayersModel && m !== prebuilt[0]) m.dispose();
});
const badModels = prebuilt.map((m) => () => m);
const images = () => tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3);
const badImages = [
  () => tf.zeros([2, 5, 5, 1]),
  () => tf.zeros([2, 6, 6, 3]),
  () => tf.zeros([6, 6, 1]),
  () => tf.zeros([2, 36]),
];

/** Runs a created model's ending, so that valid calls leave no session thread behind. */
async function ended(made: Promise<EvaluationModel | OnnxModel>): Promise<string> {
  const m = await made;
  await m.dispose();
  return m.engine;
}

const subjects: Subject[] = [
  {
    name: 'toOnnx',
    args: () => [model],
    call: (m) => toOnnx(m as tfl.LayersModel).foldedBatchNorms,
    bad: { 0: badModels },
  },
  {
    name: 'createOnnxModel',
    args: () => [model, { threads: 1 }],
    call: (m, o) => ended(createOnnxModel(m as tfl.LayersModel, o as never)),
    bad: {
      0: badModels,
      1: [
        () => ({ threads: 0 }),
        () => ({ threads: 65 }),
        () => ({ threads: 1.5 }),
        () => ({ threads: '2' }),
      ],
    },
  },
  {
    name: 'createEvaluationModel',
    args: () => [model, { engine: 'tfjs' }],
    call: (m, o) => ended(createEvaluationModel(m as tfl.LayersModel, o as never)),
    bad: {
      0: badModels,
      1: [
        () => ({ engine: 'gpu' }),
        () => ({ engine: 3 }),
        () => ({ engine: 'onnxruntime', threads: 0 }),
        () => ({ engine: 'auto', threads: Number.NaN }),
      ],
    },
  },
];

describe('every public function of @pixsim/onnx, on generated bad inputs', () => {
  it('throws a typed OnnxError naming the fix (or returns a finite result), leaving no tensor behind', async () => {
    await checkSubjects(subjects, OnnxError.is, { numRuns: 40 });
  }, 120_000);

  it('names the fault: not a model, a disposed model, an unsupported layer, unknown input sizes', () => {
    expect(() => toOnnx(null as never)).toThrow(InvalidOptionError);
    expect(() => toOnnx(badModels[0]() as never)).toThrow(/was disposed/);
    expect(() => toOnnx(badModels[1]() as never)).toThrow(UnsupportedModelError);
    expect(() => toOnnx(badModels[2]() as never)).toThrow(/every dimension but the batch known/);
    expect(() => toOnnx(badModels[3]() as never)).toThrow(UnsupportedLayerError);
  });

  it('the tfjs evaluation model refuses images that do not fit the model with a typed error', async () => {
    const evaluator = await createEvaluationModel(model, { engine: 'tfjs' });
    await checkSubjects(
      [
        {
          name: 'EvaluationModel.predict (tfjs)',
          args: () => [images()],
          call: (x) => evaluator.predict(x as tf.Tensor),
          bad: { 0: badImages },
        },
      ],
      OnnxError.is,
      { numRuns: 30 },
    );
  });
});

// The onnxruntime session needs the optional peer dependency; without it this part is skipped.
const runtime = resolveOnnxRuntime();
describe.skipIf(runtime === undefined)(
  `OnnxModel.predict on bad inputs${runtime === undefined ? ' (skipped: onnxruntime-node is not installed)' : ''}`,
  () => {
    let onnx: OnnxModel;
    beforeAll(async () => {
      onnx = await createOnnxModel(model, { threads: 1 });
    });
    afterAll(async () => {
      await onnx?.dispose();
    });

    it('throws a typed OnnxError for tensors of another shape, rank or state, leaving no tensor behind', async () => {
      await checkSubjects(
        [
          {
            name: 'OnnxModel.predict',
            args: () => [images()],
            call: (x) => onnx.predict(x as tf.Tensor),
            bad: { 0: [...badImages, () => tf.zeros([2, 6, 6, 1], 'bool')] },
          },
        ],
        OnnxError.is,
        { numRuns: 30 },
      );
    });
  },
);
