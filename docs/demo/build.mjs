// Bundles the demo page for the browser with esbuild: `node build.mjs [--out DIR] [--serve [PORT]]`.
// Writes DIR (default docs/demo/dist): index.html, style.css, main.js/main.css (the page), worker.js (the
// training thread), the tfjs wasm binaries and data/mnist-digits.bin. `--serve` then serves DIR on
// 127.0.0.1 (a static server, no server logic) until Ctrl-C. The pixsim packages are bundled from their
// built `dist` entries: run `pnpm build` at the repository root first.
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { serveStatic } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * TEMPORARY — remove when the browser-safe entries land (issue #14, branch issue-14a moves the file-system
 * code of @pixsim/regularizer, @pixsim/models and @pixsim/backend behind `/node` subpath exports).
 * Until then their main entries import Node built-ins (`fs`, `path`, `crypto`, `node:*`) at the top of
 * modules the demo never calls (file checkpoints, the metrics writer, the threaded Node wasm start-up).
 * This plugin resolves those imports to an empty CommonJS module so the bundle builds; the demo only calls
 * pure tensor code (trainStep, SimilarityRegularizer, thresholdedPixelTargets, robustnessCurve,
 * registerWasmTrainingKernels). Every stubbed import is recorded and printed by the build.
 */
const NODE_BUILTINS = new Set(require('node:module').builtinModules);
const PACKAGES = resolve(here, '../../packages') + sep;

/** @param {Map<string, Set<string>>} stubbed built-in → importers (relative paths) */
function emptyNodeBuiltins(stubbed) {
  return {
    name: 'pixsim-demo-empty-node-builtins (temporary)',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        // Only the pixsim packages' own imports: TensorFlow.js maps its Node built-ins away itself (the
        // `browser` field of its package.json files), and anything else should fail the build.
        if (!NODE_BUILTINS.has(bare) || !args.importer.startsWith(PACKAGES)) return undefined;
        const importers = stubbed.get(bare) ?? new Set();
        importers.add(relative(resolve(here, '../..'), args.importer));
        stubbed.set(bare, importers);
        return { path: bare, namespace: 'empty-node-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'empty-node-builtin' }, () => ({
        contents: 'module.exports = {};',
        loader: 'js',
      }));
    },
  };
}

/**
 * Builds the demo into `outdir`.
 * @param {{ outdir?: string, minify?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<{ outdir: string, bytes: Record<string, number>, stubbed: Record<string, string[]> }>}
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
  /** @type {Map<string, Set<string>>} */
  const stubbed = new Map();
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
    plugins: [emptyNodeBuiltins(stubbed)],
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
    stubbed: Object.fromEntries([...stubbed].map(([name, importers]) => [name, [...importers].sort()])),
  };
  if (!options.quiet) {
    const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `demo built in ${outdir}: ${Object.entries(bytes)
        .map(([n, b]) => `${n} ${kb(b)}`)
        .join(', ')}`,
    );
    console.log(
      `temporarily stubbed Node built-ins (remove when the browser-safe entries land): ${
        Object.entries(result.stubbed)
          .map(([name, importers]) => `${name} (${importers.join(', ')})`)
          .join('; ') || 'none'
      }`,
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
