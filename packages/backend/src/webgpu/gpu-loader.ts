import type { NodeHost } from '../node-host';

/** Whether the system library Dawn drives the GPU through is there (see {@link probeGPULoader}). */
export interface GPULoaderProbe {
  /** Whether the library was found. */
  found: boolean;
  /** The library looked for: `libvulkan.so.1` (Linux and other Unixes), `Metal.framework`, `d3d12.dll`. */
  library: string;
  /** Where it was found (`null` when not found). */
  path: string | null;
  /** One phrase for messages, e.g. `no Vulkan loader (libvulkan.so.1) found`. */
  detail: string;
  /** How to install it (set when not found). */
  fix?: string;
}

const VULKAN = 'libvulkan.so.1';

/** Directories the dynamic linker searches by default (besides its cache), multiarch ones included. */
const LIBRARY_DIRS = [
  '/lib',
  '/usr/lib',
  '/lib64',
  '/usr/lib64',
  '/usr/local/lib',
  ...['x86_64', 'aarch64', 'arm', 'i386', 'powerpc64le', 's390x', 'riscv64'].flatMap((cpu) => {
    const triplet = cpu === 'arm' ? 'arm-linux-gnueabihf' : `${cpu}-linux-gnu`;
    return [`/lib/${triplet}`, `/usr/lib/${triplet}`];
  }),
];

/** The paths of `library` that `/etc/ld.so.cache` lists (NUL-separated strings in a binary file). */
function cachedPaths(host: NodeHost, library: string): string[] {
  const bytes = host.readFile('/etc/ld.so.cache');
  if (bytes === null) return [];
  const paths: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0) continue;
    // Paths are ASCII; reading bytes as char codes needs no text decoder.
    if (bytes[start] === 0x2f && i - start > library.length) {
      const text = String.fromCharCode(...bytes.subarray(start, i));
      if (text.endsWith(`/${library}`)) paths.push(text);
    }
    start = i + 1;
  }
  return paths;
}

/** Where the dynamic linker would find `library`: `LD_LIBRARY_PATH`, its cache, the default directories. */
function findSharedLibrary(host: NodeHost, library: string): string | null {
  const fromEnv = (host.env.LD_LIBRARY_PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '')
    .map((dir) => `${dir.replace(/\/+$/, '')}/${library}`);
  const candidates = [
    ...fromEnv,
    ...cachedPaths(host, library),
    ...LIBRARY_DIRS.map((d) => `${d}/${library}`),
  ];
  return candidates.find((path) => host.exists(path)) ?? null;
}

/**
 * Looks for the system library that Dawn (the `webgpu` package) needs to reach a GPU, without loading
 * Dawn: on Linux (and other Unixes) the Vulkan loader `libvulkan.so.1` where the dynamic linker would find
 * it (`LD_LIBRARY_PATH`, `/etc/ld.so.cache`, the standard and multiarch library directories); on macOS
 * `Metal.framework`; on Windows `d3d12.dll` (or `vulkan-1.dll`) in `System32`. Without it Dawn only prints
 * a native warning and offers no adapter, so `initBackend('auto')` skips WebGPU.
 */
export function probeGPULoader(host: NodeHost): GPULoaderProbe {
  if (host.os === 'darwin') {
    const path = '/System/Library/Frameworks/Metal.framework';
    const found = host.exists(path);
    return found
      ? { found, library: 'Metal.framework', path, detail: `Metal at ${path}` }
      : {
          found,
          library: 'Metal.framework',
          path: null,
          detail: 'no Metal framework found',
          fix: 'WebGPU in Node needs macOS 10.13 or later (Metal)',
        };
  }
  if (host.os === 'win32') {
    const system32 = `${host.env.SystemRoot ?? host.env.SYSTEMROOT ?? 'C:\\Windows'}\\System32`;
    const path = ['d3d12.dll', 'vulkan-1.dll']
      .map((dll) => `${system32}\\${dll}`)
      .find((p) => host.exists(p));
    return path !== undefined
      ? { found: true, library: 'd3d12.dll', path, detail: `GPU runtime at ${path}` }
      : {
          found: false,
          library: 'd3d12.dll',
          path: null,
          detail: 'no Direct3D 12 or Vulkan runtime (d3d12.dll, vulkan-1.dll) found',
          fix: "WebGPU in Node needs Windows 10 or later with the GPU vendor's driver",
        };
  }
  const path = findSharedLibrary(host, VULKAN);
  return path !== null
    ? { found: true, library: VULKAN, path, detail: `Vulkan loader at ${path}` }
    : {
        found: false,
        library: VULKAN,
        path: null,
        detail: `no Vulkan loader (${VULKAN}) found`,
        fix: "install the Vulkan loader and the GPU vendor's Vulkan driver (Debian/Ubuntu: apt-get install libvulkan1)",
      };
}
