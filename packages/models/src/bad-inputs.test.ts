import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { InvalidOptionError, ModelError } from './errors';
import { featureModel } from './feature-model';
import { initializeLikePyTorch } from './init';
import { resnet18, resnet34 } from './resnet';

/** Options that build a small ResNet; every generated case replaces them, or one of their fields. */
const options = () => ({ inputShape: [8, 8, 1], classes: 3, width: 2, seed: 1 });
const badOptions = [
  () => ({ ...options(), inputShape: [8, 8] }),
  () => ({ ...options(), inputShape: [8, 8, 2.5] }),
  () => ({ ...options(), inputShape: [0, 8, 1] }),
  () => ({ ...options(), classes: 0 }),
  () => ({ ...options(), classes: 2.5 }),
  () => ({ ...options(), width: Number.NaN }),
  () => ({ ...options(), width: -4 }),
  () => ({ ...options(), variant: 'mobile' }),
  () => ({ ...options(), seed: 1.5 }),
  () => ({ ...options(), seed: -1 }),
  () => ({ ...options(), name: 7 }),
];

/** Builds the model, counts its parameters (a finite result) and disposes it. */
function built(model: tfl.LayersModel): number {
  const n = model.countParams();
  model.dispose();
  return n;
}

/** A tiny functional model with a named conv tap, shared by the featureModel and init runs. */
function tiny(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  const c = tfl.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c' })
    .apply(input) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(c) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: 'logits' }).apply(f) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}
const shared = tiny();
const disposedModel = tiny();
disposedModel.dispose();
/** Models that are not usable: disposed, or a tf.sequential stack, or not a model at all. */
const badModels = [
  () => disposedModel,
  () => tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], name: 'd' })] }),
  () => ({ layers: [] }),
];

/** Runs `f` on `m`, then disposes `m` when the case made it (not the shared or the disposed model). */
function owned<T>(m: unknown, f: () => T): T {
  try {
    return f();
  } finally {
    if (m instanceof tfl.LayersModel && m !== shared && m !== disposedModel) m.dispose();
  }
}

const subjects: Subject[] = [
  {
    name: 'resnet18',
    args: () => [options()],
    call: (o) => built(resnet18(o as never)),
    bad: { 0: badOptions },
  },
  {
    name: 'resnet34',
    args: () => [options()],
    call: (o) => built(resnet34(o as never)),
    bad: { 0: badOptions },
  },
  {
    name: 'featureModel',
    args: () => [shared, ['c']],
    call: (m, t) => owned(m, () => featureModel(m as tfl.LayersModel, t as string[]).outputs.length),
    bad: { 0: badModels, 1: [() => ['nope'], () => [], () => ['c', 'c'], () => [3]] },
  },
  {
    name: 'initializeLikePyTorch',
    args: () => [shared, 1],
    call: (m, s) => owned(m, () => initializeLikePyTorch(m as tfl.LayersModel, s as number)),
    bad: { 0: badModels, 1: [() => 1.5, () => 2 ** 40] },
  },
];

describe('every public model function of @pixsim/models, on generated bad inputs', () => {
  it('throws a typed ModelError or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, ModelError.is, { numRuns: 40 });
  });
});

describe('regressions found by the bad-input suite', () => {
  it('initializeLikePyTorch refuses non-models and disposed models with a typed error', () => {
    expect(() => initializeLikePyTorch(null as never, 1)).toThrow(InvalidOptionError);
    expect(() => initializeLikePyTorch({ layers: 3 } as never, 1)).toThrow(/must be a tf.LayersModel/);
    expect(() => initializeLikePyTorch(disposedModel, 1)).toThrow(/was disposed/);
  });
});
