// 32-bit integer hashes of the seed derivations. Each is a public-domain construction (MurmurHash3's
// finaliser, a two-round xorshift-multiply hash from Chris Wellons' hash prospector, FNV-1a); written for
// pixsim.

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. Returns an unsigned 32-bit word. */
export function fmix32(z: number): number {
  let h = z | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A two-round xorshift-multiply hash (constants 0x21f0aaad, 0x735a2d97). Returns an unsigned 32-bit word. */
export function prospectorMix(z: number): number {
  let h = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units: turns a name (a layer's weight) into a stream number. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
