import { InvalidOptionError } from '../errors';

/** Parses a seed list: `3`, `1,2`, `1-3`, `1-3,7` → ascending distinct integers. */
export function parseSeeds(text: string): number[] {
  const seeds = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) {
      throw new InvalidOptionError(
        'seeds',
        `--seeds: '${part}' is not a seed or range; write e.g. 1-3 or 1,2,5.`,
      );
    }
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 1000) {
      throw new InvalidOptionError(
        'seeds',
        `--seeds: range '${part}' must go upwards and hold at most 1,000 seeds.`,
      );
    }
    for (let s = lo; s <= hi; s++) seeds.add(s);
  }
  return [...seeds].sort((a, b) => a - b);
}

/** Parses one seed (`--seed`). */
export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new InvalidOptionError('seed', `--seed: '${text}' is not an integer ≥ 0.`);
  return Number(text);
}
