// The user's view: a fresh Node process runs initBackend('auto') and reads its terminal. Whatever this
// machine has (no Vulkan loader, a loader with no usable driver, a GPU), Dawn's native warnings must not
// reach it, and the choice is one line.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./node.ts', import.meta.url));
const script = `
const { initBackend } = await import(${JSON.stringify(entry)});
await initBackend('auto', { env: {} });
`;

function run(env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', '--input-type=module', '--eval', script];
    execFile(process.execPath, args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
    );
  });
}

describe("initBackend('auto') in a new Node process", () => {
  it('prints one line, and nothing of Dawn (no Vulkan warning, no XDG_RUNTIME_DIR error)', async () => {
    const env = { ...process.env };
    delete env.XDG_RUNTIME_DIR;
    delete env.VK_ICD_FILENAMES;
    const { stdout, stderr } = await run(env);
    expect(stderr).not.toMatch(/XDG_RUNTIME_DIR|Couldn't load Vulkan|BackendVk|PhysicalDeviceVk/);
    const lines = stdout.split('\n').filter((line) => line.startsWith('[@pixsim/backend]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[@pixsim\/backend\] \w+ \(auto[^)]*\)(: no [a-z]+ — [^;]+(; no [a-z]+ — [^;]+)*)?$/,
    );
  });
});
