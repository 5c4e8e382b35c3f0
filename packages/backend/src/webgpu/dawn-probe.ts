import type { NodeHost } from '../node-host';
import { adapterSummary, describeAdapter } from './adapter';
import { DAWN_MODULE, dawnLoaded } from './gpu-source';
import { probeGPULoader } from './gpu-loader';

/** Why `initBackend('auto')` leaves Dawn unloaded: a short phrase, the raw output, the fix. */
export interface DawnSkip {
  detail: string;
  error?: string;
  fix?: string;
}

/** Seconds the child process may take to load Dawn and list its adapter (SwiftShader: about one). */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Loads Dawn, asks for the adapter `initWebGPU` would ask for, prints what it says about itself. Where no
 * `XDG_RUNTIME_DIR` is set (Linux) it gives Dawn a private empty one for the run (as `gpuSource` does).
 */
const PROBE_SOURCE = `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = process.platform === 'linux' && !process.env.XDG_RUNTIME_DIR ? mkdtempSync(join(tmpdir(), 'pixsim-xdg-')) : null;
if (dir) process.env.XDG_RUNTIME_DIR = dir;
let seen = null;
try {
  const { create } = await import(process.argv[1]);
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter?.info ?? {};
  const isFallbackAdapter = info.isFallbackAdapter ?? adapter?.isFallbackAdapter ?? false;
  const { vendor, architecture, device, description } = info;
  if (adapter) seen = { info: { vendor, architecture, device, description, isFallbackAdapter } };
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(seen));
process.exit(0);
`;

const FIX_DRIVER =
  "install the GPU vendor's Vulkan driver; for a software GPU (tests only) ask for initBackend('webgpu') by name.";

/** The adapter a child process sees, or why there is none to use. `null`: use it (a hardware adapter). */
async function probeInChild(host: NodeHost, dawnUrl: string): Promise<DawnSkip | null> {
  const child = await host.runChild(PROBE_SOURCE, [dawnUrl], host.env, PROBE_TIMEOUT_MS);
  const native = child.stderr.trim() || undefined;
  let seen: { info: Record<string, unknown> } | null | undefined;
  try {
    seen = child.status === 0 ? JSON.parse(child.stdout) : undefined;
  } catch {
    seen = undefined;
  }
  if (seen === undefined) {
    const how = child.status === null ? 'was stopped' : `exited with status ${child.status}`;
    return { detail: `Dawn's adapter probe ${how}`, error: native };
  }
  if (seen === null) return { detail: 'Dawn found no GPU adapter', error: native, fix: FIX_DRIVER };
  const adapter = describeAdapter(seen as Parameters<typeof describeAdapter>[0]);
  if (!adapter.software) return null;
  return {
    detail: `only a software adapter, ${adapterSummary(adapter)}, which 'auto' does not use`,
    error: native,
    fix: "ask for it by name (initBackend('webgpu')) to run on it anyway, or install a GPU driver.",
  };
}

const verdicts = new WeakMap<NodeHost, Promise<DawnSkip | null>>();

/**
 * Why `initBackend('auto')` should not load Dawn (the `webgpu` package) into this process, or `null` to
 * go ahead. Dawn prints native warnings on stderr that no caller can catch (`Couldn't load Vulkan`, a
 * driver it rejects, `XDG_RUNTIME_DIR`), so `auto` loads it only where it will find a hardware adapter:
 * the GPU loader must be installed ({@link probeGPULoader}), then a short child process loads Dawn, with
 * its stderr captured, and says which adapter it sees. Once per host (process). Not asked where WebGPU
 * is already there (`navigator.gpu`, Dawn loaded) or where `webgpu` is not installed (its import says so).
 */
export async function dawnSkipReason(host: NodeHost): Promise<DawnSkip | null> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu != null || dawnLoaded()) return null;
  const loader = probeGPULoader(host);
  if (!loader.found) return { detail: loader.detail, fix: loader.fix };
  const dawnUrl = host.resolve(DAWN_MODULE);
  if (dawnUrl === null) return null;
  let verdict = verdicts.get(host);
  if (verdict === undefined) {
    verdict = probeInChild(host, dawnUrl);
    verdicts.set(host, verdict);
  }
  return verdict;
}
