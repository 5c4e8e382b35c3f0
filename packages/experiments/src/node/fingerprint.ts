import { createHash } from 'node:crypto';
import type * as tfl from '@tensorflow/tfjs-layers';

/** First 12 hex digits of the SHA-256 of all the model's weights' bytes, in `getWeights()` order. */
export function weightFingerprint(model: tfl.LayersModel): string {
  const hash = createHash('sha256');
  // getWeights() returns the variables themselves (not copies): read them, never dispose them.
  for (const w of model.getWeights()) {
    const data = w.dataSync();
    hash.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Canonical JSON (object keys sorted at every level) for hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** First 16 hex digits of the SHA-256 of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
