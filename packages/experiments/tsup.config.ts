import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // index: browser-safe (specs, presets, aggregation, figure specs); node: runs, files, rendering, the CLI.
    entry: ['src/index.ts', 'src/node.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    shims: true,
  },
  {
    // The `pixsim` command (ESM only).
    entry: ['src/bin.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
]);
