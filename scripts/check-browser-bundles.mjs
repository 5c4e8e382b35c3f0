#!/usr/bin/env node
// CI check: the universal entry of every browser package bundles for the browser without a Node built-in.
//
// Bundles each entry below from its built `dist/` (run `pnpm build` first) with esbuild's browser platform,
// TensorFlow.js packages external (the user brings them), our own packages bundled (so their imports are
// checked too). Any import of a Node built-in (`fs`, `node:path`, `crypto`, …) fails the check, naming the
// built-in and the file that imports it.
//
//   node scripts/check-browser-bundles.mjs            # check
//   node scripts/check-browser-bundles.mjs --out DIR  # check and keep the bundles (DIR/<package>.js)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The universal entry points: package folder and the built file of its `.` (import) export. */
export const BROWSER_ENTRIES = [
  { name: 'core', entry: 'packages/core/dist/index.js' },
  { name: 'similarity', entry: 'packages/similarity/dist/index.js' },
  { name: 'regularizer', entry: 'packages/regularizer/dist/index.js' },
  { name: 'models', entry: 'packages/models/dist/index.js' },
  { name: 'attacks', entry: 'packages/attacks/dist/index.js' },
  { name: 'backend', entry: 'packages/backend/dist/index.js' },
];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** An esbuild plugin that records every import of a Node built-in (and leaves it external). */
function nodeBuiltins(found) {
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!builtins.has(args.path) && !args.path.startsWith('node:')) return undefined;
        found.push({ module: args.path, importer: relative(root, args.importer) || args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * Bundles `entry` for the browser; returns the Node built-ins it imports (empty when browser-safe).
 * `outfile`: keep the bundle there (ESM); otherwise nothing is written.
 */
export async function checkEntry(entry, outfile) {
  const found = [];
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: ['@tensorflow/*'],
    plugins: [nodeBuiltins(found)],
    write: outfile !== undefined,
    outfile,
    logLevel: 'silent',
  });
  return found;
}

async function main() {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? resolve(process.argv[at + 1]) : null;
  const scratch = out ?? mkdtempSync(join(tmpdir(), 'pixsim-browser-bundles-'));
  let failed = 0;
  try {
    for (const { name, entry } of BROWSER_ENTRIES) {
      try {
        statSync(join(root, entry));
      } catch {
        console.error(`✗ ${name}: ${entry} is missing; run \`pnpm build\` first.`);
        failed += 1;
        continue;
      }
      const outfile = join(scratch, `${name}.js`);
      let found;
      try {
        found = await checkEntry(entry, outfile);
      } catch (error) {
        console.error(`✗ ${name}: esbuild could not bundle ${entry} for the browser:\n${error.message}`);
        failed += 1;
        continue;
      }
      if (found.length > 0) {
        failed += 1;
        console.error(`✗ @pixsim/${name} (${entry}) imports Node built-ins in its browser bundle:`);
        for (const f of found) console.error(`    '${f.module}' from ${f.importer}`);
      } else {
        const kb = (statSync(outfile).size / 1024).toFixed(0);
        console.log(`✓ @pixsim/${name}: browser bundle without Node built-ins (${kb} KiB, tfjs external)`);
      }
    }
  } finally {
    if (out === null) rmSync(scratch, { recursive: true, force: true });
  }
  if (failed > 0) {
    console.error(
      `${failed} package(s) are not browser-safe: move file-system and process code behind the package's ` +
        "'./node' entry (see packages/regularizer/src/node.ts).",
    );
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
