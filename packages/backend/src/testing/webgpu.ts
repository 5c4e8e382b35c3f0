import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWebGPU, type WebGPUInit } from '../webgpu/init-webgpu';

/** Debian's chromium ships SwiftShader, a Vulkan driver that runs on the CPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The Debian packages the webgpu tests need on a machine without a GPU. */
export const WEBGPU_TEST_SETUP = 'apt-get install -y chromium libvulkan1';

const VULKAN_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

/**
 * Why the webgpu suites cannot run on this machine (`null` when they can). Unless `VK_ICD_FILENAMES` is
 * already set (a real GPU's driver, say), points Vulkan at Chromium's SwiftShader and gives Dawn an
 * `XDG_RUNTIME_DIR`; the Vulkan loader reads both when Dawn starts, so this must run before `initWebGPU`.
 * Also exported as `useSoftwareWebGPU` from `@pixsim/backend/node` (for tests of other packages, in this
 * process and in the processes it starts, which inherit `process.env`).
 */
export function webgpuSkipReason(): string | null {
  if (!VULKAN_LOADERS.some((path) => existsSync(path))) {
    return `no Vulkan loader (libvulkan.so.1); run \`${WEBGPU_TEST_SETUP}\` to test on the SwiftShader adapter`;
  }
  const env = process.env;
  if (!env.VK_ICD_FILENAMES) {
    if (!existsSync(SWIFTSHADER_ICD)) {
      return `no SwiftShader Vulkan driver at ${SWIFTSHADER_ICD}; run \`${WEBGPU_TEST_SETUP}\` (or set VK_ICD_FILENAMES to a GPU's driver)`;
    }
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'pixsim-xdg-'));
  return null;
}

/** Starts the `webgpu` backend on whatever adapter Vulkan offers (software allowed). */
export async function loadWebGPU(): Promise<WebGPUInit> {
  return initWebGPU({ allowSoftware: true });
}
