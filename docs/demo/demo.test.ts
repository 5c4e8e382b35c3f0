/**
 * The demo in a real browser: builds the page (esbuild), serves it from 127.0.0.1, opens it in headless
 * Chromium (Debian's `/usr/bin/chromium`, driven by puppeteer-core; nothing is downloaded), runs both trainings
 * for a few steps on the wasm engine (and for 1 on cpu) and checks the page. Screenshots go to
 * `docs/demo/screenshots/` (git-ignored). Skips, saying why, when Chromium is absent.
 *
 * Knobs: PIXSIM_CHROMIUM (the browser binary), PIXSIM_DEMO_STEPS (steps per run of the main case, default 12;
 * 300 runs the full demo, as for the committed screenshot), PIXSIM_DEMO_ENGINE (auto | wasm | cpu, default wasm).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from './build.mjs';
import { serveStatic } from './serve.mjs';
import type { DemoState } from './src/main';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.PIXSIM_CHROMIUM ?? '/usr/bin/chromium';
const skipReason = existsSync(chromium)
  ? null
  : `no Chromium at ${chromium}: install it (\`apt-get install -y chromium\`) or set PIXSIM_CHROMIUM to run the demo's browser test`;
if (skipReason) console.warn(`[demo test] skipped: ${skipReason}`);

const steps = Number(process.env.PIXSIM_DEMO_STEPS ?? 12);
const engine = process.env.PIXSIM_DEMO_ENGINE ?? 'wasm';
const shots = join(here, 'screenshots');

describe.skipIf(skipReason !== null)('the demo page in headless Chromium', () => {
  let workdir: string;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'pixsim-demo-'));
    const demoDir = join(workdir, 'demo');
    await buildDemo({ outdir: demoDir, quiet: true });
    // The demo at /demo/, as on the docs site; the rest of the site when it was built (`pnpm run docs`).
    const site = join(here, '../dist');
    const mounts: Record<string, string> = { '/demo/': demoDir };
    if (existsSync(join(site, 'index.html'))) mounts['/'] = site;
    server = await serveStatic(mounts);
    mkdirSync(shots, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });

  /** A fresh page whose console errors, exceptions (worker ones included) and failed requests are collected. */
  async function openPage(): Promise<void> {
    await page?.close();
    consoleErrors.length = 0;
    failedRequests.length = 0;
    server.requests.length = 0;
    page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${String(error)}`));
    page.on('requestfailed', (request) =>
      failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
  }

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it(`trains both networks for ${steps} steps on ${engine} and shows every result`, async () => {
    await runAndCheck(engine, steps, '', {
      probeEvery: Math.max(1, Math.floor(steps / 3)),
      testCount: steps >= 100 ? 200 : 60,
    });
  });

  it('runs on the cpu engine too (1 step)', async () => {
    // The pure-JS engine is slow (seconds a step for this CNN): one step, heatmaps at steps 0 and 1, 20 digits.
    await runAndCheck('cpu', 1, 'cpu-', { probeEvery: 1, testCount: 20 });
  });

  it.skipIf(!existsSync(join(here, '../dist/documents/Demo.html')))(
    "the docs site's Demo guide links to the demo (when the docs site is built)",
    async () => {
      await openPage();
      await page.goto(`${server.url}documents/Demo.html`, { waitUntil: 'load' });
      const links = await page.$$eval('a[href], link[href], script[src], img[src]', (elements) =>
        elements.map((e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src),
      );
      const local = [
        ...new Set(links.map((link) => link.split('#')[0]).filter((l) => l.startsWith(server.url))),
      ];
      const broken: string[] = [];
      for (const link of local) {
        const response = await fetch(link);
        if (response.status !== 200) broken.push(`${link}: ${response.status}`);
      }
      expect(broken).toEqual([]);
      // The guide's link goes through media/open.html (typedoc copies it there) to demo/index.html.
      await Promise.all([
        page.waitForFunction(() => location.pathname.endsWith('/demo/index.html'), { timeout: 30_000 }),
        page.click('a[href$="open.html"]'),
      ]);
      expect(await page.title()).toMatch(/pixsim demo/);
      await page.screenshot({ path: join(shots, 'docs-guide-to-demo.png') });
      // Chromium asks for /favicon.ico by itself; the typedoc pages declare no icon (not a link of theirs).
      const missing = server.requests.filter((r) => r.status !== 200 && r.path !== '/favicon.ico');
      expect(missing).toEqual([]);
      const favicon = server.requests.some((r) => r.path === '/favicon.ico' && r.status === 404) ? 1 : 0;
      expect(consoleErrors.filter((e) => !e.includes('404 (Not Found)'))).toEqual([]);
      expect(consoleErrors.length).toBe(favicon);
    },
  );

  async function runAndCheck(
    engine: string,
    steps: number,
    shotPrefix: string,
    sizes: { probeEvery: number; testCount: number },
  ): Promise<void> {
    await openPage();
    const started = Date.now();
    const url = `${server.url}demo/?engine=${engine}&steps=${steps}&probeEvery=${sizes.probeEvery}&testCount=${sizes.testCount}&autorun=1`;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(
      () => (window as unknown as { pixsimDemo?: DemoState }).pixsimDemo?.status === 'running',
      {
        timeout: 120_000,
      },
    );
    await page.screenshot({ path: join(shots, `${shotPrefix}running.png`) });
    await page.waitForFunction(
      () => {
        const status = (window as unknown as { pixsimDemo: DemoState }).pixsimDemo.status;
        return status === 'done' || status === 'error' || status === 'stopped';
      },
      { timeout: Math.max(300_000, steps * 4_000), polling: 500 },
    );
    // Let the last animation frame draw the charts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.screenshot({ path: join(shots, `${shotPrefix}done.png`), fullPage: true });
    const state = await page.evaluate(() => (window as unknown as { pixsimDemo: DemoState }).pixsimDemo);
    console.info(
      `[demo test] ${steps} steps a run on ${state.engine} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `accuracy (%) unregularized ${state.accuracy.unregularized?.map((a) => (100 * a).toFixed(1)).join(' ')}; ` +
        `regularized ${state.accuracy.regularized?.map((a) => (100 * a).toFixed(1)).join(' ')}; ` +
        `r(S^CNN, S^Th) ${state.correlation.unregularized?.toFixed(3)} / ${state.correlation.regularized?.toFixed(3)}; ` +
        `tensors per step ${JSON.stringify({ u: [...new Set(state.numTensors.unregularized)], r: [...new Set(state.numTensors.regularized)] })}, ` +
        `left at the end ${state.finalNumTensors}; screenshots in ${shots}`,
    );

    expect(state.errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(state.status).toBe('done');
    if (engine !== 'auto') expect(state.engine).toBe(engine);
    expect(state.steps).toEqual({ unregularized: steps, regularized: steps });

    // No tensor leaks across steps: after the first step (which creates the optimiser's slots) the count is flat.
    for (const kind of ['unregularized', 'regularized'] as const) {
      const counts = state.numTensors[kind];
      expect(counts).toHaveLength(steps);
      if (steps > 1) expect(new Set(counts.slice(1)).size, `${kind}: ${counts.join(' ')}`).toBe(1);
    }
    // Everything the runs made was disposed (tfjs-layers keeps no tensor of a disposed model).
    expect(state.finalNumTensors).toBe(0);

    // Accuracy numbers: both curves computed and shown in the table.
    for (const kind of ['unregularized', 'regularized'] as const) {
      const accuracy = state.accuracy[kind];
      expect(accuracy).toHaveLength(state.epsilons.length);
      for (const a of accuracy ?? []) expect(a).toBeGreaterThanOrEqual(0);
      const cells = await page.$$eval(`#accuracy-table tr.accuracy-${kind} td`, (tds) =>
        tds.slice(1).map((td) => td.textContent ?? ''),
      );
      expect(cells).toEqual((accuracy ?? []).map((a) => (100 * a).toFixed(1)));
    }

    // Heatmaps drawn: each canvas has coloured (non-white, non-grey) pixels, and S^CNN is not uniform.
    for (const id of ['heat-target', 'heat-unregularized', 'heat-regularized']) {
      const { width, coloured, distinct } = await page.$eval(`#${id}`, (element) => {
        const canvas = element as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        const colours = new Set<number>();
        for (let p = 0; p < data.length; p += 4) {
          const [r, g, b] = [data[p], data[p + 1], data[p + 2]];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 20) coloured++;
          colours.add((r << 16) | (g << 8) | b);
        }
        return { width: canvas.width, coloured: coloured / (data.length / 4), distinct: colours.size };
      });
      expect(width, id).toBeGreaterThan(100);
      expect(coloured, id).toBeGreaterThan(0.05);
      expect(distinct, id).toBeGreaterThan(id === 'heat-target' ? 3 : 50);
    }

    // The charts (uPlot canvases) exist and the tap weights were shown.
    expect(await page.$$eval('.chart canvas', (canvases) => canvases.length)).toBeGreaterThanOrEqual(4);
    expect(await page.$eval('#tap-values', (e) => e.textContent)).toMatch(/conv1 0\.\d{3}/);

    // 0 broken local links: every same-origin link, stylesheet, script and image of the page answers 200.
    const links = await page.$$eval('a[href], link[href], script[src], img[src]', (elements) =>
      elements.map((e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src),
    );
    const local = [...new Set(links.filter((link) => link.startsWith(server.url)))];
    const outsideDemo = local.filter((link) => !link.startsWith(`${server.url}demo/`));
    const checked = mountsCover(server.url, local, existsSync(join(here, '../dist/index.html')));
    const broken: string[] = [];
    for (const link of checked) {
      const response = await fetch(link);
      if (response.status !== 200) broken.push(`${link}: ${response.status}`);
    }
    if (checked.length < local.length) {
      console.info(
        `[demo test] not checked (the docs site is not built; run \`pnpm run docs\` in docs/): ${outsideDemo.join(', ')}`,
      );
    }
    expect(broken).toEqual([]);
    expect(server.requests.filter((r) => r.status !== 200)).toEqual([]);
  }
});

/** The local links the server can answer: all of them once the docs site is built, else those of the demo. */
function mountsCover(base: string, links: string[], siteBuilt: boolean): string[] {
  return siteBuilt ? links : links.filter((link) => link.startsWith(`${base}demo/`));
}
