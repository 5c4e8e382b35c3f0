/**
 * The two output functions of the one generator, over the same Weyl sequence (`state += increment`, then
 * `output(state)`): `'mulberry32'` (Tommy Ettinger; increment 0x6d2b79f5) draws everything of training
 * (weight initialisation, batch order, pair sampling, augmentation, image selection) and the test
 * fixtures; `'splitmix32'` (increment 0x9e3779b9, MurmurHash3's finaliser) draws the evaluations of
 * `@pixsim/attacks`. Both are kept because committed results and trained weights depend on their draws.
 */
export type GeneratorAlgorithm = 'mulberry32' | 'splitmix32';

const INCREMENT: Record<GeneratorAlgorithm, number> = { mulberry32: 0x6d2b79f5, splitmix32: 0x9e3779b9 };

const TWO_32 = 4294967296;

/**
 * The one seeded generator of pixsim: a Weyl sequence passed through an output mixer (mulberry32's by
 * default, splitmix32's for the attacks; see {@link GeneratorAlgorithm}). Deterministic across platforms and engines: the same
 * state always gives the same numbers. Derive the state of an independent stream with
 * {@link deriveSeed} (or the derivation its package has always used).
 *
 * @example
 * ```ts
 * const rng = new SeededGenerator(deriveSeed(42, 1));
 * const x = rng.random(); // [0, 1)
 * ```
 */
export class SeededGenerator {
  /** The output function this generator draws with. */
  readonly algorithm: GeneratorAlgorithm;
  private state: number;
  private readonly increment: number;
  private readonly splitmix: boolean;
  private spare: number | undefined;

  /** @param state - 32-bit starting state (taken modulo 2^32). */
  constructor(state: number, algorithm: GeneratorAlgorithm = 'mulberry32') {
    this.algorithm = algorithm;
    // Kept as a signed 32-bit integer (the same bits as the unsigned state): V8 keeps it unboxed.
    this.state = state | 0;
    this.increment = INCREMENT[algorithm];
    this.splitmix = algorithm === 'splitmix32';
  }

  /** Next draw as an unsigned 32-bit integer. */
  nextUint32(): number {
    // Both output functions are written out here rather than called: with calls, a process drawing from
    // both (training, then attacks) ran 3–4× slower per draw, V8 no longer inlining them.
    this.state = (this.state + this.increment) | 0;
    let t = this.state;
    if (this.splitmix) {
      // MurmurHash3's finaliser (as `fmix32` of the seed derivations).
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      return (t ^ (t >>> 16)) >>> 0;
    }
    // mulberry32's output function.
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform draw in `[0, 1)` (`u / 2^32`). */
  random(): number {
    return this.nextUint32() / TWO_32;
  }

  /** Uniform draw in the open interval `(0, 1)` (`(u + ½) / 2^32`): safe under `log`. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_32;
  }

  /** Standard normal draw N(0, 1) (Box–Muller on {@link uniform}; the pair's second value serves the next call). */
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

  /** Fills `out` (from `offset`, `count` values) with {@link uniform} draws scaled into `(lo, hi)`. */
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
