import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidThreadsError } from './errors';
import { initWasmThreads } from './wasm-threads';

const child = fileURLToPath(new URL('./testing/threads-child.ts', import.meta.url));
/** tsx's loader, resolved from this package (not from the working directory). */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the training child with `threads` XNNPACK threads (0: the stock single-threaded start). */
function train(threads: number | string): {
  threads: number;
  kernelWorkers: number;
  losses: number[];
  backend: string;
  filterGradient: number[];
} {
  const out = spawnSync(process.execPath, ['--import', tsx, child, String(threads)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (out.status !== 0 || line === undefined) throw new Error(`child failed (${out.status}):\n${out.stderr}`);
  return JSON.parse(line);
}

describe('initWasmThreads', () => {
  it('trains with 2 XNNPACK threads and a kernel helper thread, with bit-identical losses to one thread', () => {
    const single = train(0);
    const threaded = train(2);
    expect(single.backend).toBe('wasm');
    expect(threaded.backend).toBe('wasm');
    expect(threaded.threads).toBe(2);
    expect(threaded.kernelWorkers).toBe(1);
    expect(single.kernelWorkers).toBe(0);
    // The SIMD filter gradient split over the calling thread and its helper gives the same bits.
    expect(threaded.filterGradient).toEqual(single.filterGradient);
    expect(threaded.filterGradient.some((v) => v !== 0)).toBe(true);
    expect(single.losses[3]).not.toBeCloseTo(single.losses[0], 3); // the weights really moved
    // Every output element is summed by one thread in one order, whatever the thread count: the same bits
    // (`bench/threads.ts` checks 50 steps of the full ResNet18).
    expect(threaded.losses).toEqual(single.losses);
  }, 240_000);

  it("starts the same way through initBackend('wasm', { wasmThreads: 2 })", () => {
    const single = train(0);
    const viaInit = train('init:2');
    expect(viaInit.backend).toBe('wasm');
    expect(viaInit.threads).toBe(2);
    expect(viaInit.kernelWorkers).toBe(1);
    expect(viaInit.losses).toEqual(single.losses);
    expect(viaInit.filterGradient).toEqual(single.filterGradient);
  }, 240_000);

  it.each([0, 9, 1.5, Number.NaN])('rejects threads = %s with a typed error', async (threads) => {
    await expect(initWasmThreads({ threads })).rejects.toBeInstanceOf(InvalidThreadsError);
  });
});
