import { describe, expect, it } from 'vitest';
import { NoWebGPUAdapterError, SoftwareAdapterRefusedError, WebGPUPackageMissingError } from './errors';
import { firstClause, importFailure, isModuleMissing, webgpuFailure } from './failure-summary';

const notFound = (name: string, from = '/srv/app/node_modules/@pixsim/backend/dist/chunk-TL4YJNV7.js') =>
  Object.assign(new Error(`Cannot find package '${name}' imported from ${from}`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

describe('failure summaries', () => {
  it('say a missing package in a few words, keeping the raw message and a fix', () => {
    const summary = importFailure('@tensorflow/tfjs-node-gpu', notFound('@tensorflow/tfjs-node-gpu'), 'node');
    expect(summary).toEqual({
      detail: '@tensorflow/tfjs-node-gpu not installed',
      error: expect.stringContaining('chunk-TL4YJNV7.js'),
      fix: 'install @tensorflow/tfjs-node-gpu (npm install @tensorflow/tfjs-node-gpu).',
    });
  });

  it('tell a missing dependency of an installed package from a missing package, without its paths', () => {
    const dependency = notFound(
      '@mapbox/node-pre-gyp',
      '/srv/app/node_modules/@tensorflow/tfjs-node/dist/index.js',
    );
    expect(isModuleMissing(dependency, '@tensorflow/tfjs-node')).toBe(false);
    expect(importFailure('@tensorflow/tfjs-node', dependency, 'node').detail).toBe(
      "@tensorflow/tfjs-node failed to load (Cannot find package '@mapbox/node-pre-gyp')",
    );
    const binding = new Error(
      '/srv/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node: cannot open',
    );
    expect(importFailure('@tensorflow/tfjs-node', binding, 'node').detail).toBe(
      '@tensorflow/tfjs-node failed to load (…/tfjs_binding.node: cannot open)',
    );
    expect(
      isModuleMissing(new Error('Could not resolve "webgpu" imported by "@pixsim/backend"'), 'webgpu'),
    ).toBe(true);
  });

  it('keep the first clause whole: no advice cut mid-sentence', () => {
    expect(firstClause('the wasm backend is already initialised; call initWasmThreads() first.')).toBe(
      'the wasm backend is already initialised',
    );
    expect(firstClause('WebAssembly is not available. Enable it.')).toBe('WebAssembly is not available');
    const long = `${'word '.repeat(80)}end`;
    expect(firstClause(long)).toBe(long);
  });

  it('give each WebGPU error its short form and its whole fix', () => {
    const missing = new WebGPUPackageMissingError(
      'webgpu',
      "WebGPU in Node needs 'webgpu'; install it: pnpm add webgpu",
    );
    expect(webgpuFailure(missing)).toMatchObject({
      detail: 'webgpu not installed',
      fix: 'install it: pnpm add webgpu',
    });
    const none = webgpuFailure(new NoWebGPUAdapterError('webgpu', 'WebGPU (webgpu) offers no adapter: …'));
    expect(none.detail).toBe('Dawn offers no adapter');
    expect(none.fix).toMatch(/libvulkan1.*vk_swiftshader_icd\.json\.$/);
    const adapter = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: 'SwiftShader driver',
    };
    expect(webgpuFailure(new SoftwareAdapterRefusedError(adapter, 'refused')).detail).toBe(
      "only a software adapter, google swiftshader (SwiftShader driver; software), which 'auto' does not use",
    );
  });
});
