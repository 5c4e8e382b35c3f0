import { describe, expect, it, vi } from 'vitest';

// As for a user with only the umbrella @tensorflow/tfjs package: no wasm engine to load.
vi.mock('@tensorflow/tfjs-backend-wasm', () => {
  throw new Error("Cannot find package '@tensorflow/tfjs-backend-wasm'");
});

describe("initBackend('auto') without the wasm engine", () => {
  it('ends on cpu and warns once, naming the package to install', async () => {
    const { initBackend, slowEngineWarning } = await import('./init-backend');
    const warnings: string[] = [];
    const env = {};
    const first = await initBackend('auto', { log: false, warn: (l) => warnings.push(l), env });
    expect(first.backend).toBe('cpu');
    expect(first.warning).toMatch(/install @tensorflow\/tfjs-backend-wasm/);
    expect(first.tried.some((a) => a.backend === 'wasm' && !a.ok)).toBe(true);
    const second = await initBackend('auto', { log: false, warn: (l) => warnings.push(l), env });
    expect(second.warning).toBe(first.warning);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/at least 30× slower than wasm/);
    // Asking for cpu by name is a choice, not an accident: no warning.
    const explicit = await initBackend('cpu', { log: false, warn: (l) => warnings.push(l), env });
    expect(explicit.warning).toBeUndefined();
    expect(slowEngineWarning('auto', 'wasm')).toBeNull();
    expect(slowEngineWarning('cpu', 'cpu')).toBeNull();
  });
});
