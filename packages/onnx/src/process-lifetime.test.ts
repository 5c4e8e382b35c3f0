import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Runs an ES module script (TypeScript imports allowed) in a fresh Node process. */
function runScript(body: string) {
  const script = `
    import '@tensorflow/tfjs-backend-cpu';
    import * as tf from '@tensorflow/tfjs-core';
    import { createOnnxModel } from '${here('./onnx-model.ts')}';
    import { userCnn } from '${here('./test-helpers.ts')}';
    const model = userCnn([32, 32, 3]);
    const onnx = await createOnnxModel(model, { threads: 1 });
    const logits = onnx.predict(tf.zeros([2, 32, 32, 3]));
    console.log('shape', logits.shape.join('x'));
    ${body}
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: here('..'),
    timeout: 60_000,
  });
}

describe('the session thread and the process', () => {
  it('lets a script await the session start and its disposal, then exit normally', () => {
    const out = runScript("await onnx.dispose(); console.log('disposed');");
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('shape 2x10');
    expect(out.stdout).toContain('disposed');
  });

  it('does not keep the process alive when a model is never disposed', () => {
    const out = runScript('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('shape 2x10');
  });
});
