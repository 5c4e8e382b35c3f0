// Bit-identity of the one generator with every generator it replaced: the fixture holds the draws of each
// package's own copy as recorded at 78718db (scripts/record-random-golden.ts in commit 263274a), before
// they were moved here. Trained weights and committed results depend on every one of these numbers.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import golden from '../__fixtures__/random-golden.json';
import { SeededGenerator } from './generator';
import { hashString } from './mix';
import { mulberry32, permutation, randomInt } from './sampling';
import { combineSeeds, deriveSeed, deriveSeedMurmur, mixSeed } from './streams';

const LONG = 4096;

function digest(values: ArrayLike<number>): string {
  return createHash('sha256')
    .update(Buffer.from(Float64Array.from(values).buffer))
    .digest('hex');
}

/** The first 16 draws of `next` and the digest of its first 4096, as the recorder took them. */
function draws(next: () => number): { first: number[]; digest: string } {
  const all = Array.from({ length: LONG }, () => next());
  return { first: all.slice(0, 16), digest: digest(all) };
}

const pick = <T extends { first: number[]; digest: string }>(r: T) => ({ first: r.first, digest: r.digest });

describe('the one generator reproduces every former copy bit for bit', () => {
  it.each(Object.keys(golden.mulberry))('mulberry32 of %s (12 seeds, 4096 draws each)', (name) => {
    const cases = golden.mulberry[name as keyof typeof golden.mulberry];
    expect(cases).toHaveLength(12);
    for (const c of cases) expect(draws(mulberry32(c.seed)), `seed ${c.seed}`).toEqual(pick(c));
  });

  it("datasets' streams: mixSeed, createRandom(seed, stream), randomInt and permutation", () => {
    for (const c of golden.datasets.mixSeed)
      expect(mixSeed(c.seed, c.stream), `${c.seed}/${c.stream}`).toBe(c.state);
    for (const c of golden.datasets.createRandom) {
      expect(draws(mulberry32(mixSeed(c.seed, c.stream))), `${c.seed}/${c.stream}`).toEqual(pick(c));
    }
    for (const c of golden.datasets.randomInt) {
      expect(draws(() => randomInt(mulberry32(mixSeed(5, 3)), c.n))).toEqual(pick(c));
    }
    for (const c of golden.datasets.permutation) {
      const p = permutation(c.n, mulberry32(mixSeed(c.seed, c.stream)));
      expect(p.constructor.name).toBe(c.type);
      expect({ first: Array.from(p.subarray(0, 16)), digest: digest(p) }, `n ${c.n} seed ${c.seed}`).toEqual(
        pick(c),
      );
    }
  });

  it("regularizer's streams: deriveSeed(seed, …streams) and permutation(n, seed) (now Int32Array, same values)", () => {
    expect(golden.regularizer.deriveSeed.length).toBeGreaterThan(150);
    for (const c of golden.regularizer.deriveSeed) {
      expect(deriveSeed(c.seed, ...c.streams), `${c.seed}/${c.streams}`).toBe(c.value);
    }
    for (const c of golden.regularizer.permutation) {
      const p = permutation(c.n, mulberry32(c.seed));
      expect({ first: Array.from(p.subarray(0, 16)), digest: digest(p) }, `n ${c.n} seed ${c.seed}`).toEqual(
        pick(c),
      );
    }
  });

  it("models' streams: hashString of a weight's name, combined with the seed", () => {
    for (const c of golden.models.hashString) expect(hashString(c.text), c.text).toBe(c.value);
    for (const c of golden.models.mixSeeds) expect(combineSeeds(c.a, c.b), `${c.a}/${c.b}`).toBe(c.value);
    for (const c of golden.models.uniformArray) {
      const next = mulberry32(c.seed);
      const v = Float32Array.from({ length: c.size }, () => (2 * next() - 1) * c.bound);
      expect({ first: Array.from(v.subarray(0, 16)), digest: digest(v) }).toEqual(pick(c));
    }
  });

  it("attacks' streams: deriveSeed (murmur), and splitmix32 draws: uint32, uniform, normal, mixed, fills", () => {
    const attacks = golden.attacks;
    for (const c of attacks.deriveSeed) {
      expect(deriveSeedMurmur(c.seed, ...c.streams), `${c.seed}/${c.streams}`).toBe(c.value);
    }
    const rng = (seed: number) => new SeededGenerator(deriveSeedMurmur(seed), 'splitmix32');
    for (const c of attacks.nextUint32) {
      const r = rng(c.seed);
      expect(
        draws(() => r.nextUint32()),
        `seed ${c.seed}`,
      ).toEqual(pick(c));
    }
    for (const c of attacks.uniform) {
      const r = rng(c.seed);
      expect(draws(() => r.uniform())).toEqual(pick(c));
    }
    for (const c of attacks.normal) {
      const r = rng(c.seed);
      expect(draws(() => r.normal())).toEqual(pick(c));
    }
    for (const c of attacks.mixed) {
      const r = rng(c.seed);
      expect(Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? r.uniform() : r.normal()))).toEqual(
        c.values,
      );
    }
    for (const c of attacks.fill) {
      const r = rng(c.seed);
      expect(Array.from(r.fillUniform(new Float32Array(40), -0.1, 0.3, 5, 30))).toEqual(c.uniform);
      r.normal();
      expect(Array.from(r.fillNormal(new Float32Array(33), 2, 25))).toEqual(c.normal);
    }
  });
});
