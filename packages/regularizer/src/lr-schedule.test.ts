import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors';
import { cyclicStepDecay } from './lr-schedule';

describe('cyclicStepDecay', () => {
  it('maps the paper schedule proportionally onto fewer epochs with epochScale = P / E', () => {
    // CIFAR-10: the paper's 40 epochs onto 8 — the paper's epochs 0, 5, 10, 15, 20, … .
    const cifar = cyclicStepDecay({ epochScale: 40 / 8 });
    const paper = cyclicStepDecay();
    expect(Array.from({ length: 8 }, (_, e) => cifar(e))).toEqual(
      Array.from({ length: 8 }, (_, e) => paper(5 * e)),
    );
    expect(cifar(3)).toBeCloseTo(0.1 * 0.3 ** 3, 15);
    expect(cifar(4)).toBe(0.1);
    // MNIST: 20 epochs onto 4 — every epoch one decay further.
    const mnist = cyclicStepDecay({ epochScale: 20 / 4 });
    expect([0, 1, 2, 3].map(mnist)).toEqual([0, 1, 2, 3].map((k) => 0.1 * 0.3 ** k));
    // A scale that is not an integer reads the schedule between the paper's epochs.
    expect(cyclicStepDecay({ epochScale: 2.5 })(2)).toBe(0.1 * 0.3);
  });

  it('refuses a scale that is not a positive finite number, naming what it got', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(() => cyclicStepDecay({ epochScale: bad as number })).toThrow(InvalidOptionError);
    }
    expect(() => cyclicStepDecay({ epochScale: '5' as never })).toThrow(/got '5'\./);
  });
});
