import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate, summaryToCsv } from '../aggregate';
import { InvalidSpecError } from '../errors';
import { EXPERIMENTS } from '../experiments';
import { figureSpec } from '../figure';
import type { CellResult } from '../result';
import { summaryTables } from '../table';
import { validateSpec } from '../validate';
import type { CorruptionsSummary } from './corruptions';
import { squareKind } from './square';
import { hopSkipJumpKind } from './hop-skip-jump';
import { corruptionsKind } from './corruptions';
import type { EvaluationContext } from './kind';
import { classifierOf } from './style';
import { queryGrid } from './black-box';

const blackbox = EXPERIMENTS.blackbox;

/** The blackbox spec with `attacks[i]` replaced (or the scale changed), as JSON a user might write. */
function withAttack(i: number, attack: unknown, scale: Record<string, unknown> = {}) {
  const spec = structuredClone(blackbox) as unknown as Record<string, unknown> & {
    evaluation: { attacks: unknown[] };
    scale: Record<string, unknown>;
  };
  spec.evaluation.attacks[i] = attack;
  Object.assign(spec.scale, scale);
  return spec;
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(InvalidSpecError.isInstance(error, 'INVALID_SPEC')).toBe(true);
    return (error as InvalidSpecError).field;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('validation of the new kinds names the field and the fix', () => {
  it.each([
    ['no threats', { kind: 'square', threats: [] }, 'evaluation.attacks[0].threats'],
    [
      'a bad norm',
      { kind: 'square', threats: [{ norm: 'l1', epsilon: 0.1 }] },
      'evaluation.attacks[0].threats[0].norm',
    ],
    [
      'ε ≤ 0',
      { kind: 'square', threats: [{ norm: 'l2', epsilon: 0 }] },
      'evaluation.attacks[0].threats[0].epsilon',
    ],
    [
      'L∞ ε > 1',
      { kind: 'square', threats: [{ norm: 'linf', epsilon: 2 }] },
      'evaluation.attacks[0].threats[0].epsilon',
    ],
    [
      'a norm twice',
      {
        kind: 'square',
        threats: [
          { norm: 'l2', epsilon: 1 },
          { norm: 'l2', epsilon: 2 },
        ],
      },
      'evaluation.attacks[0].threats',
    ],
    [
      'a misspelt field',
      { kind: 'square', threats: [{ norm: 'l2', epsilon: 1 }], maxQueries: 5 },
      'evaluation.attacks[0].maxQueries',
    ],
  ])('square: %s', (_what, attack, field) => {
    expect(fieldOf(() => validateSpec(withAttack(0, attack)))).toBe(field);
  });

  it.each([
    [
      'ε not a number',
      { kind: 'hop-skip-jump', threats: [{ norm: 'l2', epsilon: '0.5' }] },
      'evaluation.attacks[1].threats[0].epsilon',
    ],
    ['threats missing', { kind: 'hop-skip-jump' }, 'evaluation.attacks[1].threats'],
  ])('hop-skip-jump: %s', (_what, attack, field) => {
    expect(fieldOf(() => validateSpec(withAttack(1, attack)))).toBe(field);
  });

  it.each([
    ['severity 0', { severities: [0, 1] }, 'evaluation.attacks[2].severities'],
    ['severity 6', { severities: [6] }, 'evaluation.attacks[2].severities'],
    ['severity 2.5', { severities: [2.5] }, 'evaluation.attacks[2].severities'],
    ['a severity twice', { severities: [1, 1] }, 'evaluation.attacks[2].severities'],
    ['an unknown family', { families: ['gaussian-noise', 'rain'] }, 'evaluation.attacks[2].families[1]'],
    ['fog (not computed)', { families: ['fog'] }, 'evaluation.attacks[2].families[0]'],
    ['saturate on grey images', { families: ['saturate'] }, 'evaluation.attacks[2].families[0]'],
    ['no family', { families: [] }, 'evaluation.attacks[2].families'],
  ])('corruptions: %s', (_what, change, field) => {
    const attack = {
      kind: 'corruptions',
      families: ['gaussian-noise'],
      severities: [1, 2, 3, 4, 5],
      ...change,
    };
    expect(fieldOf(() => validateSpec(withAttack(2, attack)))).toBe(field);
  });

  it('a kind needs its scale fields, and a spec without the kind must not have them', () => {
    const spec = withAttack(0, { kind: 'square', threats: [{ norm: 'l2', epsilon: 0.5 }] });
    delete spec.scale.blackBoxQueries;
    expect(fieldOf(() => validateSpec(spec))).toBe('scale.blackBoxQueries');
    expect(
      fieldOf(() => validateSpec(withAttack(0, blackbox.evaluation.attacks[0], { blackBoxImages: 0 }))),
    ).toBe('scale.blackBoxImages');
    const fig3b = structuredClone(EXPERIMENTS.fig3b) as unknown as { scale: Record<string, unknown> };
    fig3b.scale.corruptionImages = 100;
    expect(fieldOf(() => validateSpec(fig3b))).toBe('scale.corruptionImages');
    expect(validateSpec(JSON.parse(JSON.stringify(blackbox)))).toEqual(blackbox);
  });
});

/** A cell holding only `evaluations`, for aggregation. */
function cell(seed: number, evaluations: unknown[]): CellResult {
  return {
    format: 'pixsim-result-2',
    experiment: 'blackbox',
    preset: 'smoke',
    seed,
    specHash: 'h',
    spec: blackbox,
    reductions: [],
    notes: [],
    curves: [],
    boundary: [],
    evaluations,
  } as unknown as CellResult;
}

const square = (model: string, acc: number[], clean: number) => ({
  kind: 'square',
  model,
  maxQueries: 10,
  imageIndices: [0, 1],
  cleanAccuracy: clean,
  queryGrid: queryGrid(10),
  threats: [
    {
      norm: 'linf',
      epsilon: 0.03,
      seed: 1,
      success: [true, false],
      queries: [3, 10],
      robustAccuracy: acc.at(-1),
      medianQueries: 3,
      accuracyAtQueries: acc,
    },
  ],
});
const corruptions = (model: string, acc: number[], clean: number) => ({
  kind: 'corruptions',
  model,
  imageIndices: [0, 1],
  n: 2,
  seed: 1,
  cleanAccuracy: clean,
  severities: [1, 2],
  families: [{ family: 'gaussian-noise', accuracy: acc }],
});

describe('aggregation, tables and figure of the new kinds', () => {
  const cells = [
    cell(2, [
      square('unregularized', [1, 0.5, 0.5, 0.5], 1),
      corruptions('unregularized', [0.5, 0.5], 1),
      square('regularized', [1, 1, 1, 0.5], 1),
      corruptions('regularized', [1, 0.5], 1),
    ]),
    cell(1, [
      square('unregularized', [1, 1, 0.5, 0], 1),
      corruptions('unregularized', [0.5, 0], 1),
      square('regularized', [1, 1, 1, 1], 1),
      corruptions('regularized', [1, 1], 1),
    ]),
  ];
  const summary = aggregate(cells);

  it('mean ± SEM over seeds per query count, per family and severity, and mCE against the unregularized model of each seed', () => {
    expect(queryGrid(10)).toEqual([1, 2, 5, 10]);
    expect(queryGrid(1)).toEqual([1]);
    const sq = summary.evaluations?.[0] as unknown as {
      model: string;
      threats: { accuracyAtQueries: { mean: number[]; sem: number[] } }[];
    };
    expect(sq.model).toBe('unregularized');
    expect(sq.threats[0].accuracyAtQueries.mean).toEqual([1, 0.75, 0.5, 0.25]);
    expect(sq.threats[0].accuracyAtQueries.sem[3]).toBeCloseTo(0.25, 12);
    const reg = summary.evaluations?.find(
      (e) => e.kind === 'corruptions' && e.model === 'regularized',
    ) as unknown as CorruptionsSummary;
    expect(reg.families[0].accuracy.mean).toEqual([1, 0.75]);
    // Seed 1: errors (0, 0) vs (0.5, 1) → CE 0; seed 2: (0, 0.5) vs (0.5, 0.5) → 0.5.
    expect(reg.corruptionError?.mCE.mean).toBeCloseTo(0.25, 12);
    const unreg = summary.evaluations?.find((e) => e.kind === 'corruptions' && e.model === 'unregularized');
    expect(unreg).not.toHaveProperty('corruptionError');
    expect(summary.seeds).toEqual([1, 2]);
  });

  it('CSV rows, Markdown tables and a chart per kind', () => {
    const csv = summaryToCsv(summary);
    expect(csv).toContain('unregularized,square,robust accuracy (linf) at 10 queries,0.03,0.25,0.25,2,1 2');
    expect(csv).toContain('regularized,corruptions,mCE vs unregularized,,0.25,0.25,2,1 2');
    const tables = summaryTables(summary);
    expect(tables).toContain(
      '| Square Attack L∞ ε = 0.03: accuracy (%) | clean | 1 queries | 10 queries | median queries to success |',
    );
    expect(tables).toContain('| regularized | 0.250 ± 0.250 |');
    const fig = figureSpec(summary) as { hconcat: unknown[] };
    expect(fig.hconcat).toHaveLength(2);
  });

  it('results of the older kinds aggregate without an evaluations key (their summary.json is unchanged)', () => {
    const old = {
      ...cell(1, []),
      evaluations: undefined,
      curves: [{ model: 'unregularized', attack: 'gaussian-noise', n: 1, epsilons: [0], accuracy: [1] }],
    };
    expect(aggregate([old as unknown as CellResult])).not.toHaveProperty('evaluations');
  });
});

describe('evaluating a tiny model leaves no tensor behind, also on an error path', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  function context(): EvaluationContext {
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [4, 4, 1] }),
        tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      ],
    });
    const spec = {
      ...blackbox,
      scale: { ...blackbox.scale, blackBoxImages: 3, blackBoxQueries: 20, corruptionImages: 4 },
    };
    const images = tf.tidy(() => tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 7) as tf.Tensor4D);
    return {
      model,
      classifier: classifierOf(model, spec),
      role: 'regularized',
      spec,
      test: { images, labels: Int32Array.from([0, 1, 2, 0, 1, 2]) },
      seed: 3,
      surrogate: null,
    };
  }

  it('square, hop-skip-jump and corruptions (without JPEG): records, and the tensor count back to its start', async () => {
    const ctx = context();
    const before = tf.memory().numTensors;
    const sq = await squareKind.evaluate(
      squareKind.validate(
        'a',
        { kind: 'square', threats: [{ norm: 'linf', epsilon: 0.1 }] },
        { channels: 'grey' },
      ),
      ctx,
    );
    expect(sq.threats[0].success).toHaveLength(3);
    const again = await squareKind.evaluate(
      { kind: 'square', threats: [{ norm: 'linf', epsilon: 0.1 }] },
      ctx,
    );
    expect(again).toEqual(sq);
    const hsj = await hopSkipJumpKind.evaluate(
      { kind: 'hop-skip-jump', threats: [{ norm: 'l2', epsilon: 0.5 }] },
      ctx,
    );
    expect(hsj.imageIndices).toEqual(sq.imageIndices);
    const cor = await corruptionsKind.evaluate(
      { kind: 'corruptions', families: ['gaussian-noise', 'pixelate'], severities: [1, 5] },
      ctx,
    );
    expect(cor.families.map((f) => f.accuracy.length)).toEqual([2, 2]);
    await expect(
      corruptionsKind.evaluate({ kind: 'corruptions', families: ['jpeg-compression'], severities: [1] }, ctx),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(tf.memory().numTensors).toBe(before);
    ctx.test.images.dispose();
    (ctx.model as tfl.LayersModel).dispose();
  });
});
