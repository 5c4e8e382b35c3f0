import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidThreadsError, UnknownBackendError } from './errors';
import { initBackend } from './init-backend';
import { initBackend as initBackendInNode } from './init-backend-node';
import { wasmTrainingKernelsRegistered } from './wasm-training/register';

describe('initBackend', () => {
  afterEach(async () => {
    await tf.setBackend('cpu');
  });

  it("'auto' picks wasm on this machine (no tfjs-node) and says why, logging once", async () => {
    const lines: string[] = [];
    const choice = await initBackend('auto', { env: {}, log: (line) => lines.push(line) });
    expect(choice.backend).toBe('wasm');
    expect(choice.platform).toBe('node');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tried.map((a) => [a.module, a.ok])).toEqual([
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-node', false],
      ['@tensorflow/tfjs-backend-webgpu', false], // no GPU here (and no Vulkan driver in the test process)
      ['@tensorflow/tfjs-backend-wasm', true],
    ]);
    // Short phrases without the import's file paths; the raw errors stay in `error`.
    expect(choice.tried[0]).toMatchObject({ detail: '@tensorflow/tfjs-node-gpu not installed' });
    expect(choice.tried[0].error).toMatch(/@tensorflow\/tfjs-node-gpu/);
    expect(choice.reason).toMatch(
      /^wasm \(auto, 1 thread\): no tensorflow — @tensorflow\/tfjs-node-gpu, @tensorflow\/tfjs-node not installed; no webgpu — \S/,
    );
    expect(choice.reason).not.toMatch(/\n|imported (from|by)|\/work\/|chunk-|\.ts\b|training kernels/);
    expect(choice.trainingKernels).toContain('Conv2DBackpropFilter');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(lines).toEqual([`[@pixsim/backend] ${choice.reason}`]);
    await initBackend('auto', { env: {}, log: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
  });

  it('an explicit name forces that engine', async () => {
    const choice = await initBackend('cpu', { env: {}, log: false });
    expect(choice).toMatchObject({
      backend: 'cpu',
      module: '@tensorflow/tfjs-backend-cpu',
      trainingKernels: [],
      adapter: null,
    });
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'tensorflow' fails with a typed error naming the fix when tfjs-node is not installed", async () => {
    const attempt = initBackend('tensorflow', { env: {}, log: false });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(initBackend('tensorflow', { env: {}, log: false })).rejects.toThrow(
      /install @tensorflow\/tfjs-node/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('PIXSIM_BACKEND overrides the argument', async () => {
    const choice = await initBackend('auto', { env: { PIXSIM_BACKEND: 'CPU' }, log: false });
    expect(choice.backend).toBe('cpu');
    expect(choice.reason).toBe('cpu (PIXSIM_BACKEND=CPU)');
  });

  it('rejects unknown names, from the argument or the environment', async () => {
    await expect(initBackend('opengl' as never, { env: {}, log: false })).rejects.toBeInstanceOf(
      UnknownBackendError,
    );
    await expect(initBackend('auto', { env: { PIXSIM_BACKEND: 'gpu' }, log: false })).rejects.toThrow(
      /PIXSIM_BACKEND='gpu'.*'auto', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'/,
    );
  });
  it('rejects a wasmThreads that is not 1–8 or auto, with a typed error', async () => {
    for (const wasmThreads of [0, 9, 1.5]) {
      await expect(initBackend('wasm', { env: {}, log: false, wasmThreads })).rejects.toBeInstanceOf(
        InvalidThreadsError,
      );
    }
  });

  it('falls back to one wasm thread, saying why, when the threaded build cannot start', async () => {
    // The single-threaded wasm backend is already initialised in this process (first test).
    const choice = await initBackendInNode('wasm', { env: {}, log: false, wasmThreads: 2 });
    expect(choice.backend).toBe('wasm');
    expect(choice.threads).toBe(1);
    expect(choice.tried[0]).toMatchObject({ ok: false });
    expect(choice.reason).toMatch(
      /^wasm \(requested, 1 thread\): one thread: the threaded build did not start \(the wasm backend is already initialised[^;]*\)$/,
    );
    expect(choice.tried[0].error).toMatch(/call initWasmThreads\(\) before/);
  });

  it('the universal initBackend runs wasm on one thread in Node and names the entry that has threads', async () => {
    const choice = await initBackend('wasm', { env: {}, log: false, wasmThreads: 2 });
    expect(choice).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(choice.reason).toMatch(
      /one thread: the threaded build needs initBackend from '@pixsim\/backend\/node'/,
    );
  });
});
