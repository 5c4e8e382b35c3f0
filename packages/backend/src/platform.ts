/** Where TensorFlow.js runs: Node (files, worker threads, tfjs-node) or a browser (or a web worker). */
export type Platform = 'node' | 'browser';

/** `'node'` where `process.versions.node` is set (Node, Bun, Electron's main process), else `'browser'`. */
export function detectPlatform(): Platform {
  return typeof globalThis.process?.versions?.node === 'string' ? 'node' : 'browser';
}
