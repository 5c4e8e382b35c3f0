import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is universal; `node` adds the file system (checkpoint files, the metrics file).
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Both entries share one copy of the common code (one class per error, one trainer) in ESM and CommonJS.
  splitting: true,
});
