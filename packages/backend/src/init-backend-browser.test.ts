// initBackend('auto') in a browser, simulated in Node: `platform: 'browser'` (what detection gives where
// `process.versions.node` is absent) with a fake `navigator.gpu` and engines registered as an app's imports
// would register them.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from './errors';
import { AUTO_ORDER, initBackend } from './init-backend';

const nav = globalThis as { navigator?: unknown };
const realNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
/** A WebGPU that offers no adapter (a browser without a usable GPU). */
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu: { requestAdapter: async () => null } },
  configurable: true,
  writable: true,
});
afterAll(() => {
  if (realNavigator) Object.defineProperty(globalThis, 'navigator', realNavigator);
  else delete nav.navigator;
});

const browser = { env: {}, log: false as const, platform: 'browser' as const };

describe("initBackend('auto') in a browser", () => {
  // tfjs warns on the console for every engine that fails to start; the reasons are asserted below.
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    if (tf.findBackendFactory('webgl') != null) tf.removeBackend('webgl');
    await tf.setBackend('cpu');
  });

  it('tries webgpu, then webgl, then wasm with the training kernels, and says why each was skipped', async () => {
    const lines: string[] = [];
    const choice = await initBackend('auto', { ...browser, log: (line) => lines.push(line) });
    expect(AUTO_ORDER.browser).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(choice.platform).toBe('browser');
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tried.map((a) => [a.backend, a.ok])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
    ]);
    expect(choice.tried[0]).toMatchObject({ detail: 'navigator.gpu offers no adapter' });
    expect(choice.tried[0].fix).toMatch(/--enable-unsafe-webgpu/);
    expect(choice.tried[1]).toMatchObject({ detail: '@tensorflow/tfjs-backend-webgl not loaded' });
    expect(choice.tried[1].fix).toMatch(
      /^import '@tensorflow\/tfjs-backend-webgl' in your app before initBackend/,
    );
    expect(choice.trainingKernels).toContain('Conv2DBackpropFilter');
    expect(choice.reason).toBe(
      'wasm (auto in a browser: webgpu → webgl → wasm → cpu, 1 thread): no webgpu — navigator.gpu offers no adapter; no webgl — @tensorflow/tfjs-backend-webgl not loaded',
    );
    expect(choice.warning).toBeUndefined(); // the Node-only advice to install wasm
    expect(lines).toEqual([`[@pixsim/backend] ${choice.reason}`]);
    // Never the Node engine, whatever is installed.
    expect(choice.tried.some((a) => a.backend === 'tensorflow')).toBe(false);
  });

  it('picks webgl when the app has registered it, after saying why webgpu was skipped', async () => {
    tf.registerBackend('webgl', () => new MathBackendCPU(), 1);
    const choice = await initBackend('auto', browser);
    expect(choice.backend).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
    expect(choice.tried.map((a) => [a.backend, a.ok])).toEqual([
      ['webgpu', false],
      ['webgl', true],
    ]);
    expect(choice).toMatchObject({ module: '@tensorflow/tfjs-backend-webgl', trainingKernels: [] });
    expect(choice.reason).toBe(
      'webgl (auto in a browser: webgpu → webgl → wasm → cpu): no webgpu — navigator.gpu offers no adapter',
    );
  });

  it('ends on cpu when wasm cannot start, naming every reason', async () => {
    // The wasm engine as a page without WebAssembly would have it: registered, failing to start.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => {
      throw new Error('WebAssembly is not available');
    });
    const choice = await initBackend('auto', { ...browser, wasmTrainingKernels: false });
    expect(choice.backend).toBe('cpu');
    expect(choice.tried.map((a) => [a.backend, a.ok])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', false],
      ['cpu', true],
    ]);
    expect(choice.reason).toMatch(
      /^cpu \(auto in a browser: webgpu → webgl → wasm → cpu\): .*; no wasm — @tensorflow\/tfjs-backend-wasm failed to start \(tf\.setBackend\('wasm'\) returned false\)$/,
    );
    expect(choice.warning).toBeUndefined();
    tf.removeBackend('wasm');
  });

  it('fails with a typed error naming the imports to add when no engine starts', async () => {
    const cpu = tf.findBackendFactory('cpu');
    tf.removeBackend('cpu');
    tf.registerBackend('cpu', () => {
      throw new Error('no cpu either');
    });
    try {
      const attempt = initBackend('auto', { ...browser, wasmTrainingKernels: false });
      await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(initBackend('auto', browser)).rejects.toThrow(/import '@tensorflow\/tfjs-backend-webgl'/);
    } finally {
      tf.removeBackend('cpu');
      tf.registerBackend('cpu', cpu!, 1);
    }
  });

  it('in Node, the order stays tensorflow, webgpu, wasm, cpu', () => {
    expect(AUTO_ORDER.node).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
  });
});
