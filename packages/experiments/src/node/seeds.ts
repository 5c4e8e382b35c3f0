import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError } from '../errors';

/** Parses a seed list: `3`, `1,2`, `1-3`, `1-3,7` → ascending distinct integers. */
export function parseSeeds(text: string): number[] {
  if (typeof text !== 'string') {
    throw new InvalidOptionError(
      PACKAGE,
      `--seeds: expected text such as 1-3 or 1,2,5, got ${describeValue(text)}.`,
      { option: 'seeds' },
    );
  }
  const seeds = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) {
      throw new InvalidOptionError(
        PACKAGE,
        `--seeds: '${part}' is not a seed or range; write e.g. 1-3 or 1,2,5.`,
        { option: 'seeds' },
      );
    }
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo || hi - lo > 1000) {
      throw new InvalidOptionError(
        PACKAGE,
        `--seeds: range '${part}' must go upwards, hold at most 1,000 seeds and stay below 2^53.`,
        { option: 'seeds' },
      );
    }
    for (let s = lo; s <= hi; s++) seeds.add(s);
  }
  return [...seeds].sort((a, b) => a - b);
}

/** Parses one seed (`--seed`). */
export function parseSeed(text: string): number {
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    const shown = typeof text === 'string' ? `'${text}'` : describeValue(text);
    throw new InvalidOptionError(
      PACKAGE,
      `--seed: ${shown} is not an integer from 0 to 2^53 − 1; pass e.g. --seed 1.`,
      { option: 'seed' },
    );
  }
  return Number(text);
}
