/**
 * Property-based checks of public functions against bad inputs, shared by every package's
 * `bad-inputs.test.ts`. Each function is described by valid arguments and, per argument, bad values;
 * a property replaces one argument by a generated bad value and requires either a typed error of the
 * package's family (with a code and a message of some substance) or a finite result, and no tensor
 * left behind either way.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect } from 'vitest';

/** One public function under test. `args()` builds fresh valid arguments (tensors are disposed after). */
export interface Subject {
  name: string;
  args: () => unknown[];
  call: (...args: unknown[]) => unknown;
  /** Per argument position: extra bad values on top of the generic ones (optional). */
  bad?: Record<number, ReadonlyArray<() => unknown>>;
  /** Argument positions to leave alone (e.g. a model shared across runs). */
  keep?: readonly number[];
}

/** Bad values every argument gets: wrong types, empty, disposed, non-finite, zero-sized, wrong rank. */
export const GENERIC_BAD: ReadonlyArray<() => unknown> = [
  () => null,
  () => undefined,
  () => 'a string',
  () => Number.NaN,
  () => -1,
  () => 0.5,
  () => Number.POSITIVE_INFINITY,
  () => [[1, [2]], 'x'],
  () => [],
  () => ({}),
  () => new Float32Array(0),
  () => Float32Array.of(Number.NaN, 1, 2, 3),
  () => tf.zeros([0, 4]),
  () => tf.zeros([0, 4, 4, 1]),
  () => tf.tensor1d([Number.NaN, 1, 2]),
  () => tf.tensor4d([Number.NaN, 0.5, 0.5, 0.5], [1, 2, 2, 1]),
  () => tf.fill([2, 3, 3, 2], 200),
  () => tf.scalar(3),
  () => {
    const t = tf.ones([2, 4, 4, 1]);
    t.dispose();
    return t;
  },
];

/** True when every number, tensor value, array or object property in `x` is finite. */
function finite(x: unknown, depth = 0): boolean {
  if (depth > 6 || x == null) return true;
  if (typeof x === 'number') return Number.isFinite(x);
  if (x instanceof tf.Tensor)
    return x.isDisposed || Array.from(x.dataSync() as ArrayLike<number>).every(Number.isFinite);
  if (ArrayBuffer.isView(x))
    return Array.from(x as unknown as ArrayLike<number>).every((v) => Number.isFinite(Number(v)));
  if (Array.isArray(x)) return x.every((v) => finite(v, depth + 1));
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.values(x).every((v) => finite(v, depth + 1));
  }
  return true;
}

function collectTensors(x: unknown, into: tf.Tensor[], depth = 0): void {
  if (depth > 6 || x == null) return;
  if (x instanceof tf.Tensor) into.push(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, into, depth + 1);
  else if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, into, depth + 1);
  }
}

/** Asserts the outcome of one call: a typed family error, or a finite result. */
function judge(
  name: string,
  outcome: { error?: unknown; value?: unknown },
  isFamily: (e: unknown) => boolean,
) {
  if ('error' in outcome) {
    const e = outcome.error as { code?: unknown; message?: unknown };
    if (!isFamily(e)) throw new Error(`${name}: raw error ${String((e as Error)?.stack ?? e)}`);
    expect(typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code), `${name}: code`).toBe(true);
    expect(String(e.message).length, `${name}: message "${String(e.message)}"`).toBeGreaterThan(30);
  } else {
    expect(finite(outcome.value), `${name}: non-finite result`).toBe(true);
  }
}

/**
 * Runs `numRuns` generated cases per subject: one argument replaced by a bad value. Fails on a raw
 * (untyped) error, a non-finite result, or a change of `tf.memory().numTensors`.
 */
export async function checkSubjects(
  subjects: readonly Subject[],
  isFamily: (e: unknown) => boolean,
  options: { numRuns?: number; seed?: number } = {},
): Promise<void> {
  for (const s of subjects) {
    const arity = s.args().length;
    const positions = Array.from({ length: arity }, (_, i) => i).filter((i) => !s.keep?.includes(i));
    if (positions.length === 0) continue;
    const arb = fc.integer({ min: 0, max: positions.length - 1 }).chain((p) => {
      const pos = positions[p];
      const pool = [...GENERIC_BAD, ...(s.bad?.[pos] ?? [])];
      return fc.tuple(
        fc.constant(pos),
        fc.integer({ min: 0, max: pool.length - 1 }).map((i) => pool[i]),
      );
    });
    await fc.assert(
      fc.asyncProperty(arb, async ([pos, make]) => {
        const before = tf.memory().numTensors;
        const args = s.args();
        const bad = make();
        const owned: tf.Tensor[] = [];
        collectTensors(args, owned);
        collectTensors(bad, owned);
        args[pos] = bad;
        let outcome: { error?: unknown; value?: unknown };
        try {
          outcome = { value: await s.call(...args) };
        } catch (error) {
          outcome = { error };
        }
        const produced: tf.Tensor[] = [];
        collectTensors(outcome.value, produced);
        try {
          judge(`${s.name}(argument ${pos} = ${describeBad(bad)})`, outcome, isFamily);
        } finally {
          tf.dispose([...owned, ...produced].filter((t) => !t.isDisposed));
        }
        expect(
          tf.memory().numTensors,
          `${s.name}: tensors left behind (argument ${pos} = ${describeBad(bad)})`,
        ).toBe(before);
      }),
      { numRuns: options.numRuns ?? 12, seed: options.seed ?? 15 },
    );
  }
}

function describeBad(x: unknown): string {
  if (x instanceof tf.Tensor) return `tensor [${x.shape}]${x.isDisposed ? ' (disposed)' : ''}`;
  if (typeof x === 'string') return `'${x}'`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as Float32Array).length})`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}
