import type { CellResult } from './result';
import type { ExperimentSpec } from './spec';

/** Canonical JSON (object keys sorted at every level) for hashing and comparing. */
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

/**
 * The part of a resolved spec that decides what a cell computes: everything but its words (title,
 * description, figure labels) and the provenance of a tuned pair (`tuned`; the pair itself is in
 * `regularization`). The preset adds nothing here: its scale is already in `spec.scale`, its name is the
 * results folder, and its description and default seeds change no cell. What the spec hash covers.
 */
export function scienceOf(spec: ExperimentSpec): Record<string, unknown> {
  const { title: _title, description: _description, figure: _figure, tuned: _tuned, ...science } = spec;
  return science;
}

/** Where the regularization images came from, as `regularizationProvenance` of the runner names it, read from a result. */
export function provenanceOfResult(result: CellResult): string {
  const reg = result.data.regularization;
  if (reg.provenance !== undefined) return reg.provenance;
  if (reg.dataset !== 'imagenet') return reg.dataset;
  return reg.standIn ? 'tiny-imagenet-5k-stand-in' : 'imagenet-folder';
}

/** The canonical text the spec hash is taken of: the spec's science and the regularization images' provenance. */
export function scienceKey(spec: ExperimentSpec, provenance: string): string {
  return canonicalJson({ science: scienceOf(spec), provenance });
}

/** Whether two results computed the same thing (same {@link scienceKey}), whatever their hashes' format. */
export function sameScience(a: CellResult, b: CellResult): boolean {
  return scienceKey(a.spec, provenanceOfResult(a)) === scienceKey(b.spec, provenanceOfResult(b));
}
