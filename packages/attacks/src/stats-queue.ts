/**
 * A ring buffer of per-image outcomes (`maxlen` rows × `n` images, NaN = empty), as foolbox 3's
 * `ArrayQueue`: one shared write position, per-image clearing, NaN-ignoring means.
 */
export class StatsQueue {
  private readonly data: Float64Array;
  private next = 0;

  constructor(
    readonly maxlen: number,
    readonly n: number,
  ) {
    this.data = new Float64Array(maxlen * n).fill(Number.NaN);
  }

  /** Writes one row (one value per image; NaN for "no outcome") at the write position. */
  append(values: Float64Array): void {
    this.data.set(values, this.next * this.n);
    this.next = (this.next + 1) % this.maxlen;
  }

  /** Empties the history of every image `i` with `dims[i]` set. */
  clear(dims: Uint8Array): void {
    for (let i = 0; i < this.n; i++) {
      if (!dims[i]) continue;
      for (let r = 0; r < this.maxlen; r++) this.data[r * this.n + i] = Number.NaN;
    }
  }

  /** Per-image mean over recorded outcomes (NaN where none). */
  mean(): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      let k = 0;
      for (let r = 0; r < this.maxlen; r++) {
        const v = this.data[r * this.n + i];
        if (!Number.isNaN(v)) {
          s += v;
          k++;
        }
      }
      out[i] = k > 0 ? s / k : Number.NaN;
    }
    return out;
  }

  /** Per-image flag: every row holds an outcome. */
  isFull(): Uint8Array {
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let full = 1;
      for (let r = 0; r < this.maxlen && full; r++) if (Number.isNaN(this.data[r * this.n + i])) full = 0;
      out[i] = full;
    }
    return out;
  }
}
