// Bundles the demo page for the browser with esbuild: `node build.mjs [--out DIR] [--serve [PORT]]`.
// Writes DIR (default docs/demo/dist): index.html, style.css, main.js/main.css (the page), worker.js (the
// training thread), the tfjs wasm binaries and data/mnist-digits.bin. `--serve` then serves DIR on
// 127.0.0.1 (a static server, no server logic) until Ctrl-C. The pixsim packages are bundled from their
// built `dist` entries: run `pnpm build` at the repository root first.
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { serveStatic } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Builds the demo into `outdir`.
 * @param {{ outdir?: string, minify?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<{ outdir: string, bytes: Record<string, number> }>}
 */
export async function buildDemo(options = {}) {
  const outdir = resolve(options.outdir ?? join(here, 'dist'));
  for (const pkg of ['regularizer', 'similarity', 'attacks', 'backend']) {
    if (!existsSync(join(here, '../../packages', pkg, 'dist/index.js'))) {
      throw new Error(
        `packages/${pkg}/dist is missing: run \`npx -y pnpm@10 build\` at the repository root first.`,
      );
    }
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, 'data'), { recursive: true });
  await esbuild.build({
    entryPoints: { main: join(here, 'src/main.ts'), worker: join(here, 'src/worker.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: options.quiet ? 'error' : 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'style.css'), join(outdir, 'style.css'));
  copyFileSync(join(here, 'data/mnist-digits.bin'), join(outdir, 'data/mnist-digits.bin'));
  // The tfjs wasm engine fetches its binaries from the page's folder (setWasmPaths in the worker).
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    copyFileSync(join(wasmDir, name), join(outdir, name));
  }
  /** @type {Record<string, number>} */
  const bytes = {};
  for (const name of [
    'main.js',
    'main.css',
    'worker.js',
    'tfjs-backend-wasm-simd.wasm',
    'data/mnist-digits.bin',
  ]) {
    bytes[name] = statSync(join(outdir, name)).size;
  }
  const result = {
    outdir,
    bytes,
  };
  if (!options.quiet) {
    const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `demo built in ${outdir}: ${Object.entries(bytes)
        .map(([n, b]) => `${n} ${kb(b)}`)
        .join(', ')}`,
    );
  }
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      serve: { type: 'boolean', default: false },
      port: { type: 'string' },
    },
  });
  const { outdir } = await buildDemo({ outdir: values.out });
  if (values.serve) {
    const server = await serveStatic({ '/': outdir }, { port: Number(values.port ?? 0) });
    console.log(`serving the demo at ${server.url} (Ctrl-C to stop)`);
  }
}
