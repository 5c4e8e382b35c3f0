import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { describeBackendChoice } from './choice-lines';
import { BackendError, InvalidOptionError, InvalidThreadsError, UnknownBackendError } from './errors';
import { initBackend, slowEngineWarning } from './init-backend';
import { initWasmThreads } from './wasm-threads';
import { initWebGPU } from './webgpu/init-webgpu';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Options that are wrong in one field each: every one must be a typed error before any engine loads. */
const badOptions = [
  () => ({ env: {}, log: 'loud' }),
  () => ({ env: {}, log: false, warn: 3 }),
  () => ({ env: 5, log: false }),
  () => ({ env: [], log: false }),
  () => ({ env: { PIXSIM_BACKEND: 7 }, log: false }),
  () => ({ env: { PIXSIM_BACKEND: 'quantum' }, log: false }),
  () => ({ env: {}, log: false, wasmTrainingKernels: 'yes' }),
  () => ({ env: {}, log: false, verbose: 'yes' }),
  () => ({ env: {}, log: false, wasmThreads: 0 }),
  () => ({ env: {}, log: false, wasmThreads: 9 }),
  () => ({ env: {}, log: false, wasmThreads: 2.5 }),
  () => ({ env: {}, log: false, wasmThreads: Number.NaN }),
  () => ({ env: {}, log: false, wasmThreads: 'many' }),
];

/** Every public function of @pixsim/backend that takes arguments. */
const subjects: Subject[] = [
  {
    name: 'initBackend',
    args: () => ['cpu', { env: {}, log: false, warn: false }],
    call: (p, o) => initBackend(p as 'cpu', o as never),
    bad: {
      0: [() => 'gpu', () => 'WASM ', () => 'webgl', () => 42],
      1: badOptions,
    },
  },
  {
    name: 'initWasmThreads',
    // Never called with valid options here (that would start the threaded engine for good).
    args: () => [{ threads: 2 }],
    call: (o) => initWasmThreads(o as { threads: number }),
    bad: {
      0: [
        () => ({ threads: 0 }),
        () => ({ threads: 9 }),
        () => ({ threads: 1.5 }),
        () => ({ threads: '2' }),
        () => ({ threads: Number.NaN }),
      ],
    },
  },
  {
    name: 'describeBackendChoice',
    args: () => [
      { backend: 'cpu', reason: 'cpu (requested)', tried: [], trainingKernels: [], platform: 'node' },
      { verbose: true },
    ],
    call: (c, o) => describeBackendChoice(c as never, o as never),
    bad: { 0: [() => ({ reason: 'x', tried: [1], trainingKernels: [] })], 1: [() => ({ verbose: 'yes' })] },
  },
  {
    name: 'slowEngineWarning',
    args: () => ['auto', 'cpu'],
    call: (r, c) => slowEngineWarning(r as 'auto', c as 'cpu'),
  },
];

describe('every public function of @pixsim/backend, on generated bad inputs', () => {
  it('throws a typed BackendError or returns a finite result, leaving no tensor behind', async () => {
    await checkSubjects(subjects, BackendError.is, { numRuns: 60 });
  });

  it('initBackend refuses each malformed option with a typed error naming it, before loading an engine', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...badOptions),
        fc.constantFrom('auto', 'wasm', 'cpu'),
        async (make, preference) => {
          const options = make();
          let error: unknown;
          try {
            await initBackend(preference as 'cpu', options as never);
          } catch (e) {
            error = e;
          }
          expect(BackendError.is(error)).toBe(true);
          const e = error as BackendError;
          expect(
            [InvalidOptionError, InvalidThreadsError, UnknownBackendError].some((c) => e instanceof c),
          ).toBe(true);
          if (e instanceof InvalidOptionError) expect(e.option).toMatch(/^options\./);
          expect(e.message).toMatch(/must be|names no known backend/);
        },
      ),
      { numRuns: 30, seed: 15 },
    );
  });

  it('initWebGPU refuses options that are not an object or a non-boolean allowSoftware', async () => {
    for (const options of [null, 'fast', 3, [], { allowSoftware: 'yes' }, { allowSoftware: 1 }]) {
      await expect(initWebGPU(options as never)).rejects.toBeInstanceOf(InvalidOptionError);
    }
    await expect(initWebGPU({ allowSoftware: 0 } as never)).rejects.toThrow(
      /allowSoftware must be true or false, got 0/,
    );
  });

  it('initWasmThreads names what it got: null options, non-integer threads', async () => {
    await expect(initWasmThreads(null as never)).rejects.toThrow(
      /options must be an object \{ threads \}, got null/,
    );
    await expect(initWasmThreads({ threads: '2' } as never)).rejects.toThrow(/got '2'/);
  });
});
