// initBackend('auto') in Node loads Dawn (the `webgpu` package) only where it will find a hardware adapter:
// the GPU loader probe and the child-process probe are injected (a fake NodeHost), Dawn is a mock that
// counts its imports.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChildResult, NodeHost } from './node-host';

const VULKAN = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';
const SKIPPED =
  'wasm (auto, 1 thread): no tensorflow — @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node not installed; no webgpu — ';

interface FakeHost extends NodeHost {
  children: number;
  madeDirs: string[];
}

/** A Linux machine with `files`, whose child processes print `child`. */
function fakeHost(files: string[], child: ChildResult, env: Record<string, string> = {}): FakeHost {
  const host: FakeHost = {
    os: 'linux',
    env: { ...env },
    children: 0,
    madeDirs: [],
    exists: (path) => files.includes(path),
    readFile: () => null,
    makeTempDir: (prefix) => {
      host.madeDirs.push(`/tmp/${prefix}1`);
      return `/tmp/${prefix}1`;
    },
    resolve: (name) => (name === 'webgpu' ? 'file:///fake/webgpu/index.js' : null),
    runChild: async () => {
      host.children += 1;
      return child;
    },
  };
  return host;
}

const sees = (info: Record<string, unknown> | null): ChildResult => ({
  status: 0,
  stdout: JSON.stringify(info && { info }),
  stderr: info
    ? ''
    : 'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.\n - While initializing adapter',
});

let dawnImports = 0;
const realNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

/** The modules under test, fresh (Dawn is loaded once per module instance). */
async function load() {
  return {
    ...(await import('./init-backend')),
    gpuSource: await import('./webgpu/gpu-source'),
  };
}

describe("initBackend('auto') in Node and Dawn", () => {
  beforeEach(() => {
    vi.resetModules();
    dawnImports = 0;
    vi.doMock('webgpu', () => {
      dawnImports += 1;
      return { create: () => ({ requestAdapter: async () => null }), globals: {} };
    });
  });
  afterEach(async () => {
    vi.doUnmock('webgpu');
    // Dawn, once created, is navigator.gpu.
    if (realNavigator) Object.defineProperty(globalThis, 'navigator', realNavigator);
    else delete (globalThis as { navigator?: unknown }).navigator;
    await tf.setBackend('cpu');
  });

  it('without a GPU loader does not load Dawn and says so in one line', async () => {
    const { chooseBackend } = await load();
    const host = fakeHost([], sees(null));
    const lines: string[] = [];
    const choice = await chooseBackend('auto', { env: {}, log: (l) => lines.push(l) }, null, host);
    expect(dawnImports).toBe(0);
    expect(host.children).toBe(0);
    expect(host.env.XDG_RUNTIME_DIR).toBeUndefined();
    expect(choice.tried.find((a) => a.backend === 'webgpu')).toMatchObject({
      ok: false,
      detail: 'no Vulkan loader (libvulkan.so.1) found',
      fix: expect.stringMatching(/apt-get install libvulkan1/),
    });
    expect(choice.reason).toBe(`${SKIPPED}no Vulkan loader (libvulkan.so.1) found`);
    expect(lines).toEqual([`[@pixsim/backend] ${choice.reason}`]);
  });

  it('with a loader but no adapter (a probe in a child process) does not load Dawn either', async () => {
    const { chooseBackend } = await load();
    const host = fakeHost([VULKAN], sees(null));
    const choice = await chooseBackend('auto', { env: {}, log: false }, null, host);
    const again = await chooseBackend('auto', { env: {}, log: false }, null, host);
    expect(dawnImports).toBe(0);
    expect(host.children).toBe(1); // once per process
    expect(choice.reason).toBe(`${SKIPPED}Dawn found no GPU adapter`);
    expect(again.reason).toBe(choice.reason);
    // Dawn's native warning is kept, for `verbose`, never printed.
    expect(choice.tried.find((a) => a.backend === 'webgpu')?.error).toMatch(/^Warning: Vulkan/);
  });

  it('with only a software adapter, or a probe that crashed, does not load Dawn', async () => {
    const { chooseBackend } = await load();
    const swiftshader = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver' };
    const soft = await chooseBackend(
      'auto',
      { env: {}, log: false },
      null,
      fakeHost([VULKAN], sees(swiftshader)),
    );
    expect(soft.reason).toMatch(
      /no webgpu — only a software adapter, google swiftshader \(SwiftShader driver; software\)/,
    );
    const crash = { status: null, stdout: '', stderr: 'Segmentation fault' };
    const crashed = await chooseBackend('auto', { env: {}, log: false }, null, fakeHost([VULKAN], crash));
    expect(crashed.reason).toBe(`${SKIPPED}Dawn's adapter probe was stopped`);
    expect(dawnImports).toBe(0);
  });

  it('with a hardware adapter loads Dawn, with a private XDG_RUNTIME_DIR where none is set', async () => {
    const { chooseBackend } = await load();
    const host = fakeHost([VULKAN], sees({ vendor: 'nvidia', architecture: 'ampere' }));
    const choice = await chooseBackend('auto', { env: {}, log: false }, null, host);
    expect(dawnImports).toBe(1);
    expect(host.madeDirs).toEqual(['/tmp/pixsim-xdg-1']);
    expect(host.env.XDG_RUNTIME_DIR).toBe('/tmp/pixsim-xdg-1');
    // The mock offers no adapter in this process: webgpu is still skipped, saying so.
    expect(choice.tried.find((a) => a.backend === 'webgpu')?.detail).toBe('Dawn offers no adapter');
  });

  it('keeps an XDG_RUNTIME_DIR that is set', async () => {
    const { gpuSource } = await load();
    const host = fakeHost([VULKAN], sees(null), { XDG_RUNTIME_DIR: '/run/user/1000' });
    await gpuSource.gpuSource('node', host);
    expect(dawnImports).toBe(1);
    expect(host.madeDirs).toEqual([]);
    expect(host.env.XDG_RUNTIME_DIR).toBe('/run/user/1000');
  });

  it("'webgpu' by name loads Dawn anyway and fails with a typed error", async () => {
    const { chooseBackend } = await load();
    const host = fakeHost([], sees(null));
    const error = await chooseBackend('webgpu', { env: {}, log: false }, null, host).catch((e: unknown) => e);
    expect(dawnImports).toBe(1);
    expect(host.children).toBe(0);
    // Classes of the freshly loaded modules: compared by code.
    expect(error).toMatchObject({
      name: 'BackendUnavailableError',
      code: 'BACKEND_UNAVAILABLE',
      backend: 'webgpu',
    });
    expect((error as { cause?: unknown }).cause).toMatchObject({
      code: 'NO_WEBGPU_ADAPTER',
      source: 'webgpu',
    });
    expect((error as Error).message).toMatch(
      /^no usable backend for 'webgpu': webgpu: Dawn offers no adapter\. Fix: pnpm add .*Dawn found no GPU: .*vk_swiftshader_icd\.json\.$/,
    );
  });

  it('verbose lists every attempt with its raw error and fix, on every call', async () => {
    const { chooseBackend } = await load();
    const host = fakeHost([], sees(null));
    const lines: string[] = [];
    const options = { env: {}, log: (l: string) => lines.push(l), verbose: true };
    const choice = await chooseBackend('auto', options, null, host);
    expect(lines[0]).toBe(`[@pixsim/backend] ${choice.reason}`);
    expect(lines.slice(1, 5)).toEqual([
      expect.stringMatching(
        /^\[@pixsim\/backend\] {3}✗ tensorflow \(@tensorflow\/tfjs-node-gpu\): @tensorflow\/tfjs-node-gpu not installed — .*(Cannot find package|Could not resolve).*\. Fix: install @tensorflow\/tfjs-node-gpu/,
      ),
      expect.stringMatching(
        /✗ tensorflow \(@tensorflow\/tfjs-node\): @tensorflow\/tfjs-node not installed — /,
      ),
      expect.stringMatching(
        /✗ webgpu \(@tensorflow\/tfjs-backend-webgpu\): no Vulkan loader \(libvulkan\.so\.1\) found\. Fix: install the Vulkan loader .*libvulkan1\)\.$/,
      ),
      '[@pixsim/backend]   ✓ wasm (@tensorflow/tfjs-backend-wasm): loaded',
    ]);
    expect(lines[5]).toMatch(/wasm training kernels registered: .*Conv2DBackpropFilter/);
    expect(lines).toHaveLength(6);
    await chooseBackend('auto', options, null, host);
    expect(lines).toHaveLength(12);
  });
});
