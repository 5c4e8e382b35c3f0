import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is universal; `node` adds the JPEG codec through sharp (an optional peer dependency).
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Both entries share one copy of the common code (error classes stay one class) in ESM and CommonJS.
  splitting: true,
});
