import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, InvalidOptionError } from './errors';

/** One tensor of a binary checkpoint file: name, shape and dtype, in file order. */
export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** A tensor with a name (the shape of `tf.Optimizer.getWeights()` entries). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const BYTES: Record<TensorSpec['dtype'], number> = { float32: 4, int32: 4, bool: 1 };

/** Byte size of one tensor of `spec`. */
export function specBytes(spec: TensorSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1) * BYTES[spec.dtype];
}

/**
 * Concatenates the values of `tensors` (in order, names may repeat) into one little-endian buffer
 * (float32, int32, or one byte per bool), with their specs.
 */
export async function encodeTensors(
  fn: string,
  tensors: readonly NamedTensor[],
): Promise<{ data: Uint8Array; specs: TensorSpec[] }> {
  const specs: TensorSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const { name, tensor } of tensors) {
    const dtype = tensor.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: tensor '${name}' has dtype ${dtype}; only float32, int32 and bool can be saved. ` +
          'Cast it with tf.cast() before saving.',
      );
    }
    const values = await tensor.data();
    const bytes =
      dtype === 'bool'
        ? Uint8Array.from(values as Uint8Array)
        : new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    specs.push({ name, shape: [...tensor.shape], dtype });
    parts.push(bytes);
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return { data, specs };
}

/** Inverse of {@link encodeTensors}: tensors in file order. The caller owns (and disposes) them. */
export function decodeTensors(data: Uint8Array, specs: readonly TensorSpec[]): NamedTensor[] {
  const out: NamedTensor[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = specBytes(spec);
    const bytes = data.slice(offset, offset + size);
    offset += size;
    const values =
      spec.dtype === 'float32'
        ? new Float32Array(bytes.buffer, 0, size / 4)
        : spec.dtype === 'int32'
          ? new Int32Array(bytes.buffer, 0, size / 4)
          : bytes;
    out.push({ name: spec.name, tensor: tf.tensor(values, spec.shape, spec.dtype) });
  }
  return out;
}

/** Whether `x` is a well-formed {@link TensorSpec}. */
export function isTensorSpec(x: unknown): x is TensorSpec {
  if (x == null || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s.name === 'string' &&
    Array.isArray(s.shape) &&
    s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) &&
    (s.dtype === 'float32' || s.dtype === 'int32' || s.dtype === 'bool')
  );
}
