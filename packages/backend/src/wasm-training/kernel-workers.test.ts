import { describe, expect, it } from 'vitest';
import { KernelWorkerError } from '../errors';
import { startKernelWorkers } from './kernel-workers-node';
import { simdKernelsFor, type WasmMemoryLike } from './simd-kernels';

const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemoryLike;
    };
  }
).WebAssembly;

/**
 * A 1×1 filter gradient written by hand into `memory`: 6 positions (2 runs of 3) of x [·, 8] and dy [·, 8];
 * returns the byte offsets and the expected ∂L/∂W [8, 8].
 */
function problem(memory: WasmMemoryLike) {
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const [x, dy, table, out] = [0, 1024, 2048, 4096];
  for (let i = 0; i < 48; i++) {
    f32[x / 4 + i] = (i % 7) - 3;
    f32[dy / 4 + i] = ((i * 5) % 11) / 4 - 1;
  }
  i32.set([x, dy, 3, x + 3 * 32, dy + 3 * 32, 3], table / 4);
  f32.fill(0, out / 4, out / 4 + 64);
  const expected = new Float32Array(64);
  for (let p = 0; p < 6; p++)
    for (let c = 0; c < 8; c++)
      for (let o = 0; o < 8; o++) expected[c * 8 + o] += f32[x / 4 + p * 8 + c] * f32[dy / 4 + p * 8 + o];
  // fg_run(table, rows, blockRows, taps, out, cin, cout, xStep, unitStart, unitEnd); 2 units (channel blocks)
  const share = (first: number, end: number) => [table, 2, 1, 1, out, 8, 8, 32, first, end];
  return { share, result: () => f32.slice(out / 4, out / 4 + 64), expected };
}

describe('kernel helper threads', () => {
  it('refuse a memory that is not shared, with a typed error', async () => {
    await expect(startKernelWorkers(new WA.Memory({ initial: 1 }), 1)).rejects.toBeInstanceOf(
      KernelWorkerError,
    );
  });

  it('split fg_run between the calling thread and a helper, with the same result as one thread', async () => {
    const memory = new WA.Memory({ initial: 1, maximum: 16, shared: true });
    const kernels = simdKernelsFor(memory);
    expect(kernels).not.toBeNull();
    const { share, result, expected } = problem(memory);
    kernels?.fg_run(
      ...(share(0, 2) as [number, number, number, number, number, number, number, number, number, number]),
    );
    const alone = result();
    for (let i = 0; i < 64; i++) expect(alone[i]).toBeCloseTo(expected[i], 5);

    const workers = await startKernelWorkers(memory, 1);
    expect(workers.count).toBe(1);
    expect(await startKernelWorkers(memory, 1)).toBe(workers); // one pool per memory
    problem(memory); // zero the output again
    let onCaller: number[] = [];
    workers.runShares([share(0, 1), share(1, 2)], (args) => {
      onCaller = args;
      kernels?.fg_run(
        ...(args as [number, number, number, number, number, number, number, number, number, number]),
      );
    });
    expect(onCaller).toEqual(share(0, 1));
    expect(result()).toEqual(alone);
  });
  it('report a helper that traps with a typed error, and keep working afterwards', async () => {
    const memory = new WA.Memory({ initial: 1, maximum: 16, shared: true });
    const kernels = simdKernelsFor(memory);
    const { share, result, expected } = problem(memory);
    const workers = await startKernelWorkers(memory, 1);
    const run = (args: number[]) =>
      kernels?.fg_run(
        ...(args as [number, number, number, number, number, number, number, number, number, number]),
      );
    // The helper's share points its run table past the end of the 64 KiB memory: an out-of-bounds trap.
    const outside = share(1, 2);
    outside[0] = 1 << 20;
    expect(() => workers.runShares([share(0, 1), outside], run)).toThrow(KernelWorkerError);
    expect(workers.alive).toBe(true);
    problem(memory);
    workers.runShares([share(0, 1), share(1, 2)], run);
    for (let i = 0; i < 64; i++) expect(result()[i]).toBeCloseTo(expected[i], 5);
  });
});
