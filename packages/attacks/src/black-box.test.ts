/**
 * The Square Attack, HopSkipJump and robustAccuracyAt on bad inputs (typed errors, no tensor left behind),
 * under the async driver where only `await data()` reads, and with reads failing half-way.
 */
import { registerAsyncOnlyBackend } from '@pixsim/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { type Classifier, createClassifier } from './classifier';
import {
  AttackError,
  InvalidClassifierError,
  InvalidEpsilonError,
  InvalidLabelsError,
  InvalidOptionError,
  OutOfBoundsError,
  ShapeMismatchError,
} from './errors';
import { runHopSkipJump, runHopSkipJumpAsync } from './hop-skip-jump';
import { robustAccuracyAt } from './robust-accuracy';
import { runSquareAttack, runSquareAttackAsync } from './square-attack';
import { linearModel, uniformImages } from './test-helpers';

const ASYNC_ONLY = registerAsyncOnlyBackend();
const lin = linearModel(16, 3, 5);
const clf: Classifier = createClassifier(lin.logits, { bounds: [0, 1] });
const images = () => uniformImages([2, 4, 4, 1], 0, 1, 9);
const badLabels = [
  () => [0, 3],
  () => [-1, 0],
  () => [0.5, 1],
  () => [0, 1, 2],
  () => tf.tensor1d([0, 5], 'int32'),
];

const subjects: Subject[] = [
  {
    name: 'runSquareAttack',
    args: () => [clf, images(), 0.1, { seed: 1, maxQueries: 3 }],
    call: (c, x, e, o) => runSquareAttack(c as Classifier, x as tf.Tensor4D, e as number, o as never),
    bad: {
      2: [() => -0.1, () => Number.NaN, () => Number.POSITIVE_INFINITY],
      3: [
        () => ({ seed: 1, maxQueries: 0 }),
        () => ({ seed: 1, maxQueries: 2.5 }),
        () => ({ seed: 1, norm: 'l1' }),
        () => ({ seed: 1, pInit: 0 }),
        () => ({ seed: 1, pInit: 1.5 }),
        () => ({ seed: 1, restarts: -1 }),
        () => ({ seed: 1.5 }),
        () => ({ seed: 1, indexOffset: -1 }),
        () => ({ seed: 1, history: 'yes' }),
        ...badLabels.map((l) => () => ({ seed: 1, labels: l() })),
      ],
    },
  },
  {
    name: 'runHopSkipJump',
    args: () => [clf, images(), { seed: 1, steps: 1, initialProbes: 3, initDirections: 5 }],
    call: (c, x, o) => runHopSkipJump(c as Classifier, x as tf.Tensor4D, o as never),
    bad: {
      2: [
        () => ({ seed: 1, steps: 0 }),
        () => ({ seed: 1, norm: 'l1' }),
        () => ({ seed: 1, maxQueries: -5 }),
        () => ({ seed: 1, initialProbes: 0.5 }),
        () => ({ seed: 1, maxProbes: 0 }),
        () => ({ seed: 1, gamma: Number.NaN }),
        () => ({ seed: 1, batchSize: 0 }),
        () => ({ seed: 1, targetDistance: -1 }),
        ...badLabels.map((l) => () => ({ seed: 1, steps: 1, labels: l() })),
      ],
    },
  },
  {
    name: 'robustAccuracyAt',
    args: () => [
      { success: [true, false], distances: [0.1, Number.POSITIVE_INFINITY], queries: [3, 9] },
      { epsilon: 0.2 },
    ],
    call: (o, p) => robustAccuracyAt(o as never, p as never),
    bad: {
      0: [
        () => ({ success: [true], distances: [0.1, 0.2], queries: [1] }),
        () => ({ success: [], distances: [], queries: [] }),
      ],
      1: [() => ({ epsilon: -1 }), () => ({ epsilon: 0.1, maxQueries: 0 })],
    },
  },
];

describe('the black-box attacks on generated bad inputs', () => {
  it('throw a typed AttackError or return a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, AttackError.is, { numRuns: 60 });
  });

  it('name each fault with its own error class, leaving no tensor behind', () => {
    const x = images();
    const big = tf.add(x, 1) as tf.Tensor4D;
    const flat = tf.zeros([2, 16]);
    const before = tf.memory().numTensors;
    const cases: [() => unknown, new (...a: never[]) => Error][] = [
      [() => runSquareAttack(clf, x, -1, { seed: 1 }), InvalidEpsilonError],
      [() => runSquareAttack(clf, x, 0.1, { seed: 1, maxQueries: 0 }), InvalidOptionError],
      [() => runSquareAttack(clf, x, 0.1, { seed: 1, norm: 'l1' as never }), InvalidOptionError],
      // Label 3 of a 3-class model: found by the clean query (this classifier does not know K beforehand).
      [() => runSquareAttack(clf, x, 0.1, { seed: 1, labels: [0, 3] }), InvalidLabelsError],
      [() => runSquareAttack(clf, big, 0.1, { seed: 1 }), OutOfBoundsError],
      [() => runSquareAttack({} as never, x, 0.1, { seed: 1 }), InvalidClassifierError],
      [() => runHopSkipJump(clf, x, { seed: 1, steps: -1 }), InvalidOptionError],
      [() => runHopSkipJump(clf, x, { seed: 1, norm: 'l0' as never }), InvalidOptionError],
      [() => runHopSkipJump(clf, x, { seed: 1, labels: [7, 0] }), InvalidLabelsError],
      [() => runHopSkipJump(clf, flat as never, { seed: 1 }), ShapeMismatchError],
      [
        () => robustAccuracyAt({ success: [true], distances: [], queries: [1] }, { epsilon: 1 }),
        ShapeMismatchError,
      ],
      [
        () => robustAccuracyAt({ success: [true], distances: [0], queries: [1] }, { epsilon: -1 }),
        InvalidEpsilonError,
      ],
    ];
    for (const [call, type] of cases) {
      expect(call).toThrow(type);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, big, flat]);
  });
});

/** Both attacks, both norms, with the sync or the async entry points, on the active engine. */
async function attacks(asynchronous: boolean) {
  const start = tf.memory().numTensors;
  const x = uniformImages([3, 4, 4, 1], 0, 1, 21);
  const square = asynchronous ? runSquareAttackAsync : runSquareAttack;
  const hsj = asynchronous ? runHopSkipJumpAsync : runHopSkipJump;
  const out: unknown[] = [];
  try {
    for (const norm of ['linf', 'l2'] as const) {
      const s = await square(clf, x, norm === 'linf' ? 0.1 : 0.5, {
        seed: 2,
        norm,
        maxQueries: 40,
        history: true,
      });
      const h = await hsj(clf, x, { seed: 3, norm, steps: 3, initialProbes: 20, batchSize: 25 });
      out.push({ ...s, adversarials: Array.from(await s.adversarials.data()) });
      out.push({ ...h, adversarials: Array.from(await h.adversarials.data()) });
      tf.dispose([s.adversarials, h.adversarials]);
    }
  } finally {
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }
  return out;
}

describe('the black-box attacks where only await data() reads (webgpu in Node, here its cpu stand-in)', () => {
  const previous = tf.getBackend();
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('give the numbers of the synchronous functions on cpu, bit for bit', async () => {
    await tf.setBackend('cpu');
    const onCpu = await attacks(false);
    await tf.setBackend(ASYNC_ONLY);
    const onAsyncOnly = await attacks(true);
    expect(onAsyncOnly).toEqual(onCpu);
    await tf.setBackend('cpu');
  });

  it('free every tensor when a read fails half-way', async () => {
    await tf.setBackend('cpu');
    const x = uniformImages([3, 4, 4, 1], 0, 1, 22);
    const start = tf.memory().numTensors;
    const data = tf.Tensor.prototype.data;
    let reads = 0;
    for (const failAt of [1, 2, 3, 5, 12, 30]) {
      tf.Tensor.prototype.data = async function (this: tf.Tensor) {
        reads += 1;
        if (reads === failAt) throw new Error(`read ${failAt} failed`);
        return data.call(this);
      } as typeof data;
      try {
        reads = 0;
        await expect(runSquareAttackAsync(clf, x, 0.05, { seed: 1, maxQueries: 60 })).rejects.toThrow(
          `read ${failAt} failed`,
        );
        reads = 0;
        await expect(runHopSkipJumpAsync(clf, x, { seed: 1, steps: 3, initialProbes: 10 })).rejects.toThrow(
          `read ${failAt} failed`,
        );
      } finally {
        tf.Tensor.prototype.data = data;
      }
      expect(tf.memory().numTensors).toBe(start);
    }
    x.dispose();
  });
});
