import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Workspace packages resolve to their sources in tests, so no build is needed before `vitest`. */
const packages = ['core', 'similarity', 'regularizer', 'models', 'datasets', 'attacks', 'backend', 'onnx'];

export const pixsimAliases = [
  // Subpath exports first: `@pixsim/backend/wasm-training` registers the wasm training kernels.
  {
    find: /^@pixsim\/backend\/wasm-training$/,
    replacement: fileURLToPath(new URL('./packages/backend/src/wasm-training.ts', import.meta.url)),
  },
  // The Node entries (`@pixsim/regularizer/node`, …): file system, worker threads.
  ...['regularizer', 'models', 'backend'].map((name) => ({
    find: new RegExp(`^@pixsim/${name}/node$`),
    replacement: fileURLToPath(new URL(`./packages/${name}/src/node.ts`, import.meta.url)),
  })),
  ...packages.map((name) => ({
    find: new RegExp(`^@pixsim/${name}$`),
    replacement: fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  })),
];

/** The vitest config every package starts from. */
export function pixsimVitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { alias: pixsimAliases },
    test: {
      include: ['src/**/*.test.ts'],
      setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
      environment: 'node',
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      maxWorkers: 2,
    },
  });
}
