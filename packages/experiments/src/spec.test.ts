import { describe, expect, it } from 'vitest';
import {
  EXPERIMENTS,
  ExperimentsError,
  getExperiment,
  getPreset,
  InvalidPresetError,
  InvalidSpecError,
  linspace,
  PRESETS,
  resolveExperiment,
  resolveGrid,
  UnknownDatasetError,
  UnknownPresetError,
  validatePreset,
  validateSpec,
} from './index';

/** fig2a with one field replaced (dotted path). */
function fig2aWith(path: string, value: unknown): unknown {
  const spec = structuredClone(EXPERIMENTS.fig2a) as unknown as Record<string, Record<string, unknown>>;
  const [a, b] = path.split('.');
  if (b === undefined) (spec as Record<string, unknown>)[a] = value;
  else spec[a][b] = value;
  return spec;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('experiment specs', () => {
  it('ships every figure and data-set combination, each valid, JSON round-trippable and at paper scale', () => {
    expect(Object.keys(EXPERIMENTS)).toEqual([
      'fig2a',
      'fig2b',
      'fig2c',
      'fig3a',
      'fig3b',
      'boundary',
      'blackbox',
      'noise-mnist-mnist',
      'noise-mnist-fashion',
      'noise-fashion-mnist',
      'noise-fashion-fashion',
    ]);
    for (const spec of Object.values(EXPERIMENTS)) {
      expect(validateSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
      expect(spec.scale.width).toBe(64);
      expect(spec.scale.regularizationImages).toBe(5000);
    }
    const { fig2a, fig2b, fig3b, boundary } = EXPERIMENTS;
    expect([fig2a.regularization.alpha, fig2a.regularization.th, fig2a.task.inputScaling]).toEqual([
      4,
      0.2,
      'unit',
    ]);
    expect([fig2b.regularization.alpha, fig2b.regularization.th, fig2b.task.inputScaling]).toEqual([
      10,
      0.8,
      'reference',
    ]);
    expect(fig2b.regularization.transform).toBe('imagenet');
    expect(fig3b.evaluation.attacks).toEqual([
      { kind: 'transferred-fgsm', epsilons: { linspace: [0, 0.02, 10] } },
    ]);
    expect(boundary.evaluation.attacks).toEqual([{ kind: 'boundary', steps: 50 }]);
    expect(EXPERIMENTS['noise-fashion-mnist'].regularization).toMatchObject({ alpha: 10, th: 0.4 });
    expect(EXPERIMENTS.fig2c.scale.epochs).toBe(60);
  });

  it('linspace matches numpy', () => {
    expect(linspace(0, 0.5, 10)).toEqual([
      0, 0.0555555555556, 0.111111111111, 0.166666666667, 0.222222222222, 0.277777777778, 0.333333333333,
      0.388888888889, 0.444444444444, 0.5,
    ]);
    expect(resolveGrid('g', { linspace: [0, 0.1, 3] })).toEqual([0, 0.05, 0.1]);
  });

  it('rejects an unknown data set with a typed error naming the field and the choices', () => {
    const e = thrown(() => validateSpec(fig2aWith('task.dataset', 'svhn')));
    expect(e).toBeInstanceOf(UnknownDatasetError);
    expect(e).toMatchObject({ code: 'UNKNOWN_DATASET', field: 'task.dataset', dataset: 'svhn' });
    expect((e as Error).message).toContain("'cifar10'");
    expect(() => validateSpec(fig2aWith('regularization.dataset', 'imagenet21k'))).toThrow(
      UnknownDatasetError,
    );
  });

  it('rejects α < 0 and Th outside (0, 1)', () => {
    for (const [path, value] of [
      ['regularization.alpha', -1],
      ['regularization.alpha', Number.NaN],
      ['regularization.th', 0],
      ['regularization.th', 1],
      ['regularization.th', 1.5],
      ['regularization.th', -0.2],
    ] as const) {
      const e = thrown(() => validateSpec(fig2aWith(path, value)));
      expect(e).toBeInstanceOf(InvalidSpecError);
      expect(e).toMatchObject({ code: 'INVALID_SPEC', field: path });
    }
    expect(validateSpec(fig2aWith('regularization.alpha', 0)).regularization.alpha).toBe(0);
  });

  it('rejects bad ε grids', () => {
    const bad = [
      [],
      [0.1, 0.05],
      [0, 0, 0.1],
      [-0.1, 0],
      [0, Number.POSITIVE_INFINITY],
      { linspace: [0, 0.5] },
      { linspace: [0, 0.5, 0] },
      { linspace: [0, 0.5, 2.5] },
      'linspace(0, 0.5, 10)',
    ];
    for (const epsilons of bad) {
      const e = thrown(() =>
        validateSpec(fig2aWith('evaluation.attacks', [{ kind: 'gaussian-noise', epsilons }])),
      );
      expect(e).toBeInstanceOf(InvalidSpecError);
      expect((e as InvalidSpecError).field).toBe('evaluation.attacks[0].epsilons');
    }
    // Salt-and-pepper ε is a probability.
    expect(() =>
      validateSpec(fig2aWith('evaluation.attacks', [{ kind: 'salt-and-pepper-noise', epsilons: [0, 1.5] }])),
    ).toThrow(/\[0, 1\]/);
    expect(() => validateSpec(fig2aWith('evaluation.attacks', [{ kind: 'pgd', epsilons: [0] }]))).toThrow(
      InvalidSpecError,
    );
    expect(() => validateSpec(fig2aWith('evaluation.attacks', []))).toThrow(/at least one attack/);
  });

  it('augments CIFAR tasks as the reference (crop with 4-pixel reflect padding, flips) and MNIST tasks not at all', () => {
    for (const spec of Object.values(EXPERIMENTS)) {
      const cifar = spec.task.dataset === 'cifar10' || spec.task.dataset === 'cifar100';
      expect(spec.task.augment).toEqual(cifar ? { padding: 4, flip: true } : undefined);
      // MNIST specs carry no key at all, so their spec hashes (and committed results) are unchanged.
      if (!cifar) expect(Object.keys(spec.task)).not.toContain('augment');
    }
    expect(validateSpec(fig2aWith('task.augment', { padding: 2, flip: false })).task.augment).toEqual({
      padding: 2,
      flip: false,
    });
    for (const bad of [
      { padding: -1, flip: true },
      { padding: 4 },
      { padding: 1.5, flip: true },
      'cifar',
      null,
    ]) {
      const error = thrown(() => validateSpec(fig2aWith('task.augment', bad)));
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect((error as InvalidSpecError).message).toMatch(/task\.augment/);
    }
  });

  it('rejects inconsistent regularization transforms', () => {
    expect(() => validateSpec(fig2aWith('regularization.transform', 'imagenet'))).toThrow(/exactly when/);
  });
});

describe('presets', () => {
  it('unknown preset: typed error listing the known ones', () => {
    const e = thrown(() => getPreset('laptop'));
    expect(e).toBeInstanceOf(UnknownPresetError);
    expect(e).toMatchObject({ code: 'UNKNOWN_PRESET', preset: 'laptop' });
    expect((e as Error).message).toContain('paper, cpu, cpu-5k, quick, smoke');
  });

  it('a preset may only change the scale, never the science', () => {
    const e = thrown(() => validatePreset({ name: 'mine', seeds: [1], scale: { width: 4, alpha: 0 } }));
    expect(e).toBeInstanceOf(InvalidPresetError);
    expect(e).toMatchObject({ field: 'scale.alpha' });
    expect(() => validatePreset({ name: 'mine', seeds: [1], scale: { width: 0 } })).toThrow(
      InvalidPresetError,
    );
    expect(() => validatePreset({ name: 'mine', seeds: [1], byTask: { svhn: { width: 4 } } })).toThrow(
      /svhn/,
    );
    expect(() => validatePreset({ name: 'mine', seeds: [] })).toThrow(/seeds/);
  });

  it('resolves a spec at a preset scale and states each reduction', () => {
    const cpu = resolveExperiment(getExperiment('fig2a'), getPreset('cpu'));
    expect(cpu.spec.scale).toMatchObject({
      width: 8,
      trainImages: 20000,
      epochs: 4,
      regularizationImages: 2000,
    });
    expect(cpu.spec.regularization).toEqual(EXPERIMENTS.fig2a.regularization);
    expect(cpu.reductions).toContain('width 8 instead of 64');
    expect(cpu.reductions).toContain('epochs 4 instead of 20');
    expect(cpu.reductions.some((r) => r.startsWith('Boundary'))).toBe(false);
    const paper = resolveExperiment(getExperiment('boundary'), getPreset('paper'));
    expect(paper.reductions).toEqual([]);
    const user = validatePreset({
      name: 'tiny',
      seeds: [3],
      scale: { width: 4 },
      byTask: { mnist: { epochs: 1 } },
    });
    expect(resolveExperiment(getExperiment('fig2a'), user).spec.scale).toMatchObject({ width: 4, epochs: 1 });
    expect(Object.keys(PRESETS)).toEqual(['paper', 'cpu', 'cpu-5k', 'quick', 'smoke']);
  });
});

describe('ExperimentsError.isInstance', () => {
  it('recognises errors of another copy of the package by marker, not by prototype', async () => {
    // A second, separately evaluated copy of the module (as two installed copies of the package would be).
    const secondCopy = './errors?second-copy';
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('./errors');
    expect(other.UnknownPresetError).not.toBe(UnknownPresetError);
    const e = new other.UnknownPresetError('nope', ['paper']);
    expect(Object.getPrototypeOf(e)).not.toBe(UnknownPresetError.prototype);
    // `instanceof` tests the marker too (PixsimError's Symbol.hasInstance), so it holds across copies.
    expect(e instanceof UnknownPresetError).toBe(true);
    expect(UnknownPresetError.isInstance(e)).toBe(true);
    expect(InvalidSpecError.isInstance(e)).toBe(false);
    expect(ExperimentsError.isInstance(e)).toBe(true);
    expect(ExperimentsError.isInstance(e, 'UNKNOWN_PRESET')).toBe(true);
    expect(ExperimentsError.isInstance(e, 'INVALID_SPEC')).toBe(false);
    expect(ExperimentsError.isInstance(new Error('x'))).toBe(false);
    expect(ExperimentsError.isInstance(null)).toBe(false);
  });
});
