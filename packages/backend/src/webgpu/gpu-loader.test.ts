import { describe, expect, it } from 'vitest';
import type { NodeHost } from '../node-host';
import { probeGPULoader } from './gpu-loader';

/** A machine with `files` (and `cache` as /etc/ld.so.cache); nothing runs. */
function host(os: string, files: string[], env: Record<string, string> = {}, cache?: string): NodeHost {
  return {
    os,
    env,
    exists: (path) => files.includes(path),
    readFile: (path) =>
      path === '/etc/ld.so.cache' && cache !== undefined ? new TextEncoder().encode(cache) : null,
    makeTempDir: () => {
      throw new Error('not used');
    },
    resolve: () => null,
    runChild: () => Promise.reject(new Error('not used')),
  };
}

describe('probeGPULoader', () => {
  it('finds no Vulkan loader on a bare Linux machine, and names the package to install', () => {
    expect(probeGPULoader(host('linux', ['/usr/lib/x86_64-linux-gnu/libc.so.6']))).toEqual({
      found: false,
      library: 'libvulkan.so.1',
      path: null,
      detail: 'no Vulkan loader (libvulkan.so.1) found',
      fix: "install the Vulkan loader and the GPU vendor's Vulkan driver (Debian/Ubuntu: apt-get install libvulkan1)",
    });
  });

  it('finds libvulkan.so.1 in a multiarch directory, LD_LIBRARY_PATH or the linker cache', () => {
    const debian = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';
    expect(probeGPULoader(host('linux', [debian]))).toMatchObject({ found: true, path: debian });
    const sdk = '/opt/vulkan-sdk/lib/libvulkan.so.1';
    expect(
      probeGPULoader(host('linux', [sdk], { LD_LIBRARY_PATH: '/x:/opt/vulkan-sdk/lib/' })),
    ).toMatchObject({
      found: true,
      path: sdk,
    });
    // ld.so.cache: NUL-separated names and paths among binary data.
    const nix = '/nix/store/abc-vulkan-loader/lib/libvulkan.so.1';
    const cache = `glibc-ld.so.cache1.1\0\u0001\u0003libvulkan.so.1\0${nix}\0libm.so.6\0/lib/libm.so.6\0`;
    expect(probeGPULoader(host('linux', [nix], {}, cache))).toMatchObject({ found: true, path: nix });
    // A cache entry whose file was removed is no loader.
    expect(probeGPULoader(host('linux', [], {}, cache)).found).toBe(false);
  });

  it('looks for Metal on macOS and Direct3D 12 or Vulkan on Windows', () => {
    const metal = '/System/Library/Frameworks/Metal.framework';
    expect(probeGPULoader(host('darwin', [metal]))).toMatchObject({
      found: true,
      library: 'Metal.framework',
    });
    expect(probeGPULoader(host('darwin', [])).found).toBe(false);
    const d3d = 'D:\\Win\\System32\\d3d12.dll';
    expect(probeGPULoader(host('win32', [d3d], { SystemRoot: 'D:\\Win' }))).toMatchObject({
      found: true,
      path: d3d,
    });
    expect(probeGPULoader(host('win32', []))).toMatchObject({
      found: false,
      detail: 'no Direct3D 12 or Vulkan runtime (d3d12.dll, vulkan-1.dll) found',
    });
  });
});
