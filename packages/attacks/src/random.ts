import { PACKAGE, InvalidOptionError } from './errors';

/** Mixes a 32-bit word (the finaliser of MurmurHash3): every input bit affects every output bit. */
function mix32(z: number): number {
  let h = z | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Throws {@link InvalidOptionError} unless `seed` is a finite integer. */
export function assertSeed(fn: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: seed must be an integer (every random draw in @pixsim/attacks is seeded), got ${String(seed)}. ` +
        'Pass e.g. { seed: 0 }.',
    );
  }
}

/**
 * Derives an independent 32-bit seed for a sub-stream (e.g. one image, one repeat) from a parent seed.
 * `deriveSeed(s, i)` for different `i` gives streams that do not overlap in practice.
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = mix32((seed | 0) ^ 0x5bd1e995) ^ mix32(Math.floor(seed / 2 ** 32) | 0);
  for (const s of streams) {
    h = mix32((h + 0x9e3779b9 + mix32(s | 0)) | 0);
  }
  return h >>> 0;
}

/**
 * A small seeded pseudo-random generator (a Weyl sequence passed through a 32-bit mixer, "splitmix32").
 * Deterministic across platforms: the same seed always yields the same numbers, whatever the tf backend.
 */
export class SeededRandom {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    assertSeed('SeededRandom', seed);
    this.state = deriveSeed(seed);
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state);
  }

  /** Uniform draw in the open interval (0, 1). */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal draw N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` (from `offset`, `count` values) with uniform draws in (lo, hi). */
  fillUniform(
    out: Float32Array,
    lo: number,
    hi: number,
    offset = 0,
    count = out.length - offset,
  ): Float32Array {
    const w = hi - lo;
    for (let i = offset; i < offset + count; i++) out[i] = lo + w * this.uniform();
    return out;
  }

  /** Fills `out` (from `offset`, `count` values) with standard normal draws. */
  fillNormal(out: Float32Array, offset = 0, count = out.length - offset): Float32Array {
    for (let i = offset; i < offset + count; i++) out[i] = this.normal();
    return out;
  }
}
