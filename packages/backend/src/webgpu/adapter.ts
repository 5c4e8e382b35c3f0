/** What a WebGPU adapter says about itself, as `initBackend` reports it. */
export interface WebGPUAdapterDescription {
  /** GPU vendor, e.g. `nvidia`, `amd`, `intel`, `apple`, `google` (SwiftShader). May be empty. */
  vendor: string;
  /** GPU family, e.g. `ampere`, `rdna-3`, `gen-12lp`, `swiftshader`. May be empty. */
  architecture: string;
  /** Device identifier, when the browser or Dawn exposes it. */
  device: string;
  /** Driver description, e.g. `SwiftShader driver 5.0.0`. */
  description: string;
  /**
   * Whether the adapter is a CPU emulating a GPU (SwiftShader, llvmpipe/lavapipe, WARP): the adapter says
   * so (`isFallbackAdapter`) or its name is one of those renderers.
   */
  software: boolean;
}

/** The shape of `GPUAdapter` this file reads (older browsers lack `info`, newer ones `isFallbackAdapter`). */
export interface AdapterLike {
  readonly info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & {
    readonly isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
}

/** Renderers that run on the CPU, matched against the adapter's names. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Reads vendor, architecture, device and description of `adapter` and decides whether it is software. */
export function describeAdapter(adapter: AdapterLike): WebGPUAdapterDescription {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const flagged = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const named = SOFTWARE_RENDERERS.test([vendor, architecture, device, description].join(' '));
  return { vendor, architecture, device, description, software: flagged || named };
}

/** One line for logs: `google swiftshader (SwiftShader driver 5.0.0; software)`. */
export function adapterSummary(adapter: WebGPUAdapterDescription): string {
  const name = [adapter.vendor || 'unknown vendor', adapter.architecture || 'unknown architecture'].join(' ');
  const details = [adapter.description || adapter.device, adapter.software ? 'software' : 'hardware']
    .filter((part) => part !== '')
    .join('; ');
  return `${name} (${details})`;
}
