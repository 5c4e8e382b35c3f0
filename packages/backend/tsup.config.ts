import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/wasm-training.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url (used to locate the threaded wasm build) in the CommonJS output.
  shims: true,
});
