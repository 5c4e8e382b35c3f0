// The universal entries of similarity, regularizer, models, attacks and backend, bundled by esbuild for the
// browser from their built dist/ (as a user's bundler would), run in headless Chromium: initBackend('auto')
// walks the browser order down to cpu, then one regularized training step and a Gaussian-noise curve.
// Skipped where Debian's chromium is not installed (PIXSIM_CHROMIUM points at another binary).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const CHROMIUM = process.env.PIXSIM_CHROMIUM ?? '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));

/** The page's program: our packages and tfjs as an app imports them, results on `window.pixsimResult`. */
const PAGE = `
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { pixelSimilarity } from '@pixsim/similarity';
import { SimilarityRegularizer, targetsOf, thresholdedPixelTargets, trainStep } from '@pixsim/regularizer';
import { RESNET_TAPS, resnet18 } from '@pixsim/models';
import { createClassifier, gaussianNoiseAttack, robustnessCurve } from '@pixsim/attacks';
import { initBackend } from '@pixsim/backend';

async function run() {
  const choice = await initBackend('auto', { log: false });
  const n = 12;
  const pixels = new Float32Array(n * 8 * 8);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7919) % 101) / 100;
  const images = tf.tensor4d(pixels, [n, 8, 8, 1]);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const sPixel = pixelSimilarity(images);
  const similarityShape = sPixel.shape;
  sPixel.dispose();
  const targets = thresholdedPixelTargets({ images: pixels, shape: [n, 8, 8, 1] }, { th: 0.2 });
  const model = resnet18({ inputShape: [8, 8, 1], classes: 3, width: 4, seed: 1 });
  const regularizer = new SimilarityRegularizer({ model, taps: RESNET_TAPS });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const pairs = targets.pairs.slice(0, 8);
  const first = Int32Array.from({ length: 4 }, (_, p) => pairs[2 * p]);
  const second = Int32Array.from({ length: 4 }, (_, p) => pairs[2 * p + 1]);
  const a = tf.gather(images, first);
  const b = tf.gather(images, second);
  const step = trainStep({
    model, optimizer, regularizer, alpha: 4, inputs: images, labels,
    pairs: { a, b, targets: targetsOf(targets, pairs) },
  });
  tf.dispose([a, b]);
  const curve = robustnessCurve(createClassifier(model), { images, labels }, gaussianNoiseAttack(),
    [0, 0.1, 0.3], { seed: 1 });
  return {
    backend: choice.backend, platform: choice.platform, tried: choice.tried.map((t) => [t.backend, t.ok]),
    reason: choice.reason, similarityShape, pairCount: targets.pairs.length / 2,
    taskLoss: step.taskLoss, simLoss: step.simLoss, accuracy: curve.accuracy.map((s) => s.mean),
  };
}
window.pixsimResult = run().catch((error) => ({ error: String(error && error.stack || error) }));
`;

const skipReason = existsSync(CHROMIUM)
  ? null
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set PIXSIM_CHROMIUM)`;
if (skipReason) console.warn(`[pixsim] skipped suite "browser bundles in headless Chromium": ${skipReason}.`);

describe.skipIf(skipReason !== null)('browser bundles in headless Chromium', () => {
  it('train one regularized step and measure a noise curve on the cpu engine', async () => {
    const bundle = await build({
      stdin: { contents: PAGE, resolveDir: here, sourcefile: 'page.js' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].text;
    const { launch } = await import('puppeteer-core');
    const browser = await launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto('about:blank');
      await page.addScriptTag({ content: script });
      const result = (await page.evaluate('window.pixsimResult')) as Record<string, unknown>;
      expect(result.error).toBeUndefined();
      expect(errors).toEqual([]);
      expect(result.platform).toBe('browser');
      expect(result.backend).toBe('cpu');
      // The browser order, each engine the page did not import skipped with its reason.
      expect(result.tried).toEqual([
        ['webgpu', false],
        ['webgl', false],
        ['wasm', false],
        ['cpu', true],
      ]);
      expect(result.reason).toMatch(/^cpu \(auto in a browser: webgpu → webgl → wasm → cpu\)/);
      expect(result.similarityShape).toEqual([12, 12]);
      expect(result.pairCount).toBeGreaterThan(0);
      expect(Number.isFinite(result.taskLoss)).toBe(true);
      expect(Number.isFinite(result.simLoss)).toBe(true);
      const accuracy = result.accuracy as number[];
      expect(accuracy).toHaveLength(3);
      for (const v of accuracy) expect(v >= 0 && v <= 1).toBe(true);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
