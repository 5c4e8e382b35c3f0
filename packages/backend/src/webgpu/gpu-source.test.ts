import { describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError, WebGPUPackageMissingError } from '../errors';

describe('WebGPU in Node without the webgpu package', () => {
  it('is a typed error naming the install, also through initBackend', async () => {
    vi.doMock('webgpu', () => {
      throw new Error("Cannot find package 'webgpu'");
    });
    const { gpuSource } = await import('./gpu-source');
    const error = await gpuSource().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebGPUPackageMissingError);
    expect(error).toMatchObject({ code: 'WEBGPU_PACKAGE_MISSING', module: 'webgpu' });
    expect((error as Error).message).toMatch(/pnpm add webgpu/);
    const { initBackend } = await import('../init-backend');
    const attempt = await initBackend('webgpu', { env: {}, log: false }).catch((e: unknown) => e);
    expect(attempt).toBeInstanceOf(BackendUnavailableError);
    expect((attempt as Error).message).toMatch(/pnpm add @tensorflow\/tfjs-backend-webgpu webgpu/);
    expect((attempt as { cause?: unknown }).cause).toBeInstanceOf(WebGPUPackageMissingError);
  });
});
