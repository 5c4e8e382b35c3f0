import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError, SoftwareAdapterRefusedError, SyncReadUnsupportedError } from '../errors';
import { initBackend } from '../init-backend';
import { webgpuSkipReason } from '../testing/webgpu';
import { initWebGPU } from './init-webgpu';

const skip = webgpuSkipReason();

describe.skipIf(skip !== null)(
  `initBackend and webgpu on SwiftShader${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    it("'auto' refuses the software adapter, says so, and moves on to wasm", async () => {
      const choice = await initBackend('auto', { env: {}, log: false });
      expect(choice.backend).toBe('wasm');
      const webgpu = choice.tried.find((a) => a.backend === 'webgpu');
      expect(webgpu).toMatchObject({ ok: false, module: '@tensorflow/tfjs-backend-webgpu' });
      // Seen by the probe in a child process: Dawn is not loaded here for auto.
      expect(webgpu?.detail).toMatch(
        /^only a software adapter, google swiftshader .*which 'auto' does not use$/,
      );
      expect(webgpu?.fix).toMatch(/initBackend\('webgpu'\)/);
      expect(choice.adapter).toBeNull();
      await expect(initWebGPU({ allowSoftware: false })).rejects.toBeInstanceOf(SoftwareAdapterRefusedError);
    });

    it("'webgpu' by name runs on it and names its vendor and architecture", async () => {
      const lines: string[] = [];
      const choice = await initBackend('webgpu', { env: {}, log: (line) => lines.push(line) });
      expect(choice).toMatchObject({
        backend: 'webgpu',
        module: '@tensorflow/tfjs-backend-webgpu',
        threads: 1,
      });
      expect(choice.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', software: true });
      expect(tf.getBackend()).toBe('webgpu');
      expect(choice.reason).toMatch(
        /^webgpu \(requested\) on google swiftshader \(SwiftShader.*; software\) through Dawn/,
      );
      expect(lines).toEqual([`[@pixsim/backend] ${choice.reason}`]);
      // auto still refuses the adapter the engine is registered on
      await expect(initWebGPU({ allowSoftware: false })).rejects.toBeInstanceOf(SoftwareAdapterRefusedError);
      // PIXSIM_BACKEND works for the new name too; a second call reuses the engine
      expect((await initBackend('auto', { env: { PIXSIM_BACKEND: 'webgpu' }, log: false })).backend).toBe(
        'webgpu',
      );
    });

    it('reads asynchronously; a synchronous read from the GPU is a typed error that names the fix', async () => {
      await initWebGPU();
      const start = tf.memory().numTensors;
      // Large enough that tfjs does not compute it on the CPU (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD).
      const x = tf.range(0, 4096);
      expect(x.dataSync()[3]).toBe(3); // still on the CPU: readable
      const y = tf.mul(x, 2);
      expect((await y.data())[4095]).toBe(8190);
      const z = tf.add(y, 1);
      let error: unknown;
      try {
        z.dataSync();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SyncReadUnsupportedError);
      expect(BackendError.is(error)).toBe(true);
      expect((error as Error).message).toMatch(/await tensor\.data\(\)/);
      tf.dispose([x, y, z]);
      expect(tf.memory().numTensors).toBe(start);
    });
  },
);

describe('BackendError.is', () => {
  it('recognises this package’s errors by brand, not by class identity', () => {
    const error = new SyncReadUnsupportedError('x');
    expect(BackendError.is(error)).toBe(true);
    // A copy of the package has another class but the same global brand:
    const copy = Object.assign(new Error('y'), { [Symbol.for('@pixsim/backend')]: true });
    expect(BackendError.is(copy)).toBe(true);
    expect(BackendError.is(new Error('z'))).toBe(false);
    expect(BackendError.is(null)).toBe(false);
  });
});
