// Seed derivations: how a seed and a stream (a number, or a name through `hashString`) become the state of
// one independent generator. There are four because each package's draws have been pinned by committed
// results and trained weights since before they shared this module; merging them would move those
// numbers. New code uses `deriveSeed`.
import { fmix32, prospectorMix } from './mix';

const GOLDEN = 0x9e3779b9;

/**
 * The state of stream `streams…` of `seed`: each stream identifier (epoch, purpose, index…) and, last,
 * their count are folded in turn into the 32-bit state with a two-round xorshift-multiply hash, so
 * `(s, 1)`, `(s, 1, 0)` and `(s, 0, 1)` are all different streams. `seed` and the streams are taken
 * modulo 2^32. The derivation of `@pixsim/regularizer` (training order, pairs, augmentation) and of the
 * CLI's image selection.
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = seed >>> 0;
  for (const s of streams) h = prospectorMix((h + GOLDEN + (s >>> 0)) >>> 0);
  return prospectorMix((h + GOLDEN + streams.length) >>> 0);
}

/**
 * The state of stream `stream` of `seed` (a splitmix32-style finaliser of `seed ⊕ (stream + 1)·φ`, with
 * the part of a safe-integer seed above 32 bits folded in after). The derivation of `@pixsim/datasets`
 * (subsets, hold-outs, batch order, augmentation, regularization-image selection).
 */
export function mixSeed(seed: number, stream: number): number {
  const z = fmix32((Math.floor(seed) ^ Math.imul(stream + 1, GOLDEN)) >>> 0);
  const high = Math.floor(seed / 0x100000000) >>> 0;
  return (z ^ Math.imul(high, 0x27d4eb2d)) >>> 0;
}

/**
 * The state of sub-stream `streams…` of `seed` with MurmurHash3's finaliser: both 32-bit halves of a
 * safe-integer seed count, and each stream (taken as a signed 32-bit integer) is mixed in turn. The
 * derivation of `@pixsim/attacks` (evaluation draws: noise, Boundary Attack, HopSkipJump, Square Attack,
 * corruptions), which `@pixsim/attacks` exports as `deriveSeed`.
 */
export function deriveSeedMurmur(seed: number, ...streams: number[]): number {
  let h = fmix32((seed | 0) ^ 0x5bd1e995) ^ fmix32(Math.floor(seed / 2 ** 32) | 0);
  for (const s of streams) h = fmix32((h + GOLDEN + fmix32(s | 0)) | 0);
  return h >>> 0;
}

/**
 * Combines two 32-bit values (a model seed and `hashString` of a weight's name) into one state: the
 * derivation of `@pixsim/models`' PyTorch-like initialisation.
 */
export function combineSeeds(a: number, b: number): number {
  return fmix32(Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0));
}
