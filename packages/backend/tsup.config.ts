import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is universal; `node` adds the threaded wasm build (node:fs, node:os, worker_threads);
  // `wasm-training` is the side-effect entry.
  entry: ['src/index.ts', 'src/node.ts', 'src/wasm-training.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url (used to locate the threaded wasm build) in the CommonJS output.
  shims: true,
  // The entries share one copy of the common code (registered kernels, helper threads, error classes) in
  // ESM and CommonJS.
  splitting: true,
});
