import { describe, expect, it, vi } from 'vitest';
import { OnnxRuntimeUnavailableError } from './errors';
import { createEvaluationModel } from './evaluation';
import { createOnnxModel } from './onnx-model';
import { userCnn } from './test-helpers';

// A machine without the optional peer dependency: resolving onnxruntime-node fails.
vi.mock('./session-thread', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./session-thread')>()),
  resolveOnnxRuntime: () => undefined,
}));

describe('without onnxruntime-node', () => {
  it("evaluates on tfjs for 'auto', recording that onnxruntime-node is missing", async () => {
    const model = userCnn([32, 32, 3]);
    const evaluator = await createEvaluationModel(model, { engine: 'auto' });
    expect(evaluator.engine).toBe('tfjs');
    expect(evaluator.fallback).toBeInstanceOf(OnnxRuntimeUnavailableError);
    model.dispose();
  });

  it('names the install command when onnxruntime-node is asked for explicitly', async () => {
    const model = userCnn([32, 32, 3]);
    await expect(createEvaluationModel(model, { engine: 'onnxruntime' })).rejects.toMatchObject({
      code: 'ONNX_RUNTIME_UNAVAILABLE',
      install: expect.stringContaining('ONNXRUNTIME_NODE_INSTALL=skip'),
    });
    await expect(createOnnxModel(model)).rejects.toThrow(/pnpm add onnxruntime-node/);
    model.dispose();
  });
});
