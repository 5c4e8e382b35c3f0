import { createHash } from 'node:crypto';
import type * as tfl from '@tensorflow/tfjs-layers';
import { canonicalJson } from '../science';

export { canonicalJson };

/** First 12 hex digits of the SHA-256 of all the model's weights' bytes, in `getWeights()` order. */
export function weightFingerprint(model: tfl.LayersModel): string {
  // getWeights() returns the variables themselves (not copies): read them, never dispose them.
  return fingerprintOf(model.getWeights().map((w) => w.dataSync()));
}

/**
 * {@link weightFingerprint} with asynchronous reads (`await data()`): the same fingerprint on every engine,
 * the `webgpu` engine in Node included.
 */
export async function weightFingerprintAsync(model: tfl.LayersModel): Promise<string> {
  return fingerprintOf(await Promise.all(model.getWeights().map((w) => w.data())));
}

function fingerprintOf(weights: readonly ArrayBufferView[]): string {
  const hash = createHash('sha256');
  for (const data of weights) hash.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return hash.digest('hex').slice(0, 12);
}

/** First 16 hex digits of the SHA-256 of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
