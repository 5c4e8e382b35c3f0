// initBackend('webgpu') in headless Chromium through navigator.gpu, on Chromium's SwiftShader adapter: the
// browser build of this package (its main entry, bundled by esbuild as an app's bundler would) picks the
// engine, a conv → batch norm → dense step's loss and gradients are computed on the GPU and read back
// asynchronously, and compared with the same step on the cpu engine in the same page. 'auto' must refuse the
// software adapter. Skipped where Debian's chromium (with its SwiftShader Vulkan driver) is not installed.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../testing/webgpu';

const CHROMIUM = process.env.PIXSIM_CHROMIUM ?? '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const entry = fileURLToPath(new URL('../index.ts', import.meta.url));

const PAGE = `
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from ${JSON.stringify(entry)};

/** Loss and gradients of one training-mode step of a fixed conv → batch norm → ReLU → dense model. */
async function step() {
  const init = (s) => tfl.initializers.glorotNormal({ seed: s });
  const input = tfl.input({ shape: [6, 6, 2] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }).apply(input);
  x = tfl.layers.batchNormalization().apply(x);
  x = tfl.layers.reLU().apply(x);
  x = tfl.layers.flatten().apply(x);
  const out = tfl.layers.dense({ units: 3, kernelInitializer: init(2) }).apply(x);
  const model = tfl.model({ inputs: input, outputs: out });
  const images = tf.randomNormal([5, 6, 6, 2], 0, 1, 'float32', 7);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
  const vars = model.trainableWeights.map((w) => w.read());
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: true })),
    vars,
  );
  const result = {
    loss: (await value.data())[0],
    grads: await Promise.all(vars.map(async (v) => Array.from(await grads[v.name].data()))),
  };
  tf.dispose([images, labels, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

async function run() {
  const auto = await initBackend('auto', { log: false });
  const choice = await initBackend('webgpu', { log: false });
  const onGpu = await step();
  const backendOfStep = tf.getBackend();
  await tf.setBackend('cpu');
  const onCpu = await step();
  return {
    auto: { backend: auto.backend, tried: auto.tried.map((t) => [t.backend, t.ok, t.reason ?? '']) },
    backend: choice.backend, reason: choice.reason, adapter: choice.adapter ?? null, backendOfStep, onGpu, onCpu,
  };
}
window.pixsimResult = run().catch((error) => ({ error: String((error && error.stack) || error) }));
`;

const skip = !existsSync(CHROMIUM) || !existsSync(SWIFTSHADER_ICD);

describe.skipIf(skip)('webgpu in headless Chromium (SwiftShader adapter)', () => {
  it("initBackend('webgpu') trains on navigator.gpu like cpu; 'auto' refuses the software adapter", async () => {
    const bundle = await build({
      stdin: { contents: PAGE, resolveDir: here, sourcefile: 'page.js' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    // WebGPU needs a secure context: a page served from 127.0.0.1 is one (about:blank is not).
    const html = `<!doctype html><meta charset="utf-8"><script>${bundle.outputFiles[0].text.replaceAll('</script', '<\\/script')}</script>`;
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { launch } = await import('puppeteer-core');
    const browser = await launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`http://127.0.0.1:${port}/`);
      const result = (await page.evaluate('window.pixsimResult')) as Record<string, unknown>;
      expect(result.error).toBeUndefined();
      expect(errors).toEqual([]);
      expect(result.backend).toBe('webgpu');
      expect(result.backendOfStep).toBe('webgpu');
      expect(String(result.reason)).toMatch(/swiftshader/i);
      expect(String(result.reason)).toMatch(/navigator\.gpu/);
      // 'auto' never picks a software adapter by itself: webgpu is tried and refused.
      const auto = result.auto as { backend: string; tried: [string, boolean, string][] };
      expect(auto.tried[0][0]).toBe('webgpu');
      expect(auto.tried[0][1]).toBe(false);
      expect(auto.backend).not.toBe('webgpu');
      // float32 GPU arithmetic in another order: 1e-4 relative to max(1, |cpu|), as the Node parity suite.
      const gpu = result.onGpu as { loss: number; grads: number[][] };
      const cpu = result.onCpu as { loss: number; grads: number[][] };
      expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.loss)));
      expect(gpu.grads.length).toBe(cpu.grads.length);
      let largest = 0;
      for (const [i, g] of gpu.grads.entries()) {
        expect(g.length).toBe(cpu.grads[i].length);
        for (let j = 0; j < g.length; j++) {
          expect(Number.isFinite(g[j])).toBe(true);
          largest = Math.max(
            largest,
            Math.abs(g[j] - cpu.grads[i][j]) / Math.max(1, Math.abs(cpu.grads[i][j])),
          );
        }
      }
      expect(largest).toBeLessThan(1e-4);
    } finally {
      await browser.close();
      server.close();
    }
  }, 240_000);
});
