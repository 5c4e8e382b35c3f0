import { join } from 'node:path';
import { SpecHashMismatchError } from '../errors';
import type { ResolvedExperiment } from '../resolve';
import type { CellResult } from '../result';
import { provenanceOfResult, scienceKey, scienceOf } from '../science';
import type { ExperimentSpec } from '../spec';
import { readJsonIfExists } from './files';
import { type ImagenetSourceOptions, imagenetProvenance, imagenetSource } from './imagenet';
import { hashOf } from './fingerprint';

/** What decides a cell's regularization source besides its spec (`RunCellOptions` and the preset). */
export type ProvenanceOptions = Pick<ImagenetSourceOptions, 'imagenetDir' | 'imagenetSample'>;

/**
 * Where the regularization images come from, as far as it changes the science (part of the spec hash): the
 * data set, or for ImageNet the source `imagenetSource` picks (`--imagenet`, the ImageNet sample when the
 * preset allows a substitute, else the Tiny-ImageNet stand-in), so cells of different sources never mix.
 */
export function regularizationProvenance(
  spec: ExperimentSpec,
  options: ProvenanceOptions & { imagenetStandIn?: boolean },
): string {
  if (spec.regularization.dataset !== 'imagenet') return spec.regularization.dataset;
  return imagenetProvenance(imagenetSource(options), spec.regularization.selection);
}

/** The provenance of `experiment` under `options` (its preset says whether a substitute is allowed). */
function provenanceOf(experiment: ResolvedExperiment, options: ProvenanceOptions): string {
  return regularizationProvenance(experiment.spec, {
    ...options,
    imagenetStandIn: experiment.preset.imagenetStandIn,
  });
}

/**
 * The spec hash of a cell: SHA-256 (first 16 hex digits) of what the cell computes, `scienceOf` the resolved
 * spec (α, Th, data sets, attacks, scale, a tune cell's role and validation split…) and the regularization
 * images' provenance. The spec's words, a tuned pair's provenance and the preset's description and
 * default seeds are not part of it: editing them leaves finished cells valid.
 */
export function specHashOf(experiment: ResolvedExperiment, options: ProvenanceOptions): string {
  const provenance = provenanceOf(experiment, options);
  return hashOf({ science: scienceOf(experiment.spec), provenance });
}

/** The spec hash of `pixsim-result-1` files (whole spec, whole preset, provenance): still accepted for finished cells. */
export function legacySpecHashOf(experiment: ResolvedExperiment, options: ProvenanceOptions): string {
  const provenance = provenanceOf(experiment, options);
  return hashOf({ spec: experiment.spec, preset: experiment.preset, provenance });
}

/** Whether a result (or a started cell's `cell.json`) belongs to this experiment: same hash, or same science. */
function matches(
  found: { specHash: string; spec?: ExperimentSpec },
  experiment: ResolvedExperiment,
  options: ProvenanceOptions,
  provenance: string | null,
): boolean {
  if (found.specHash === specHashOf(experiment, options)) return true;
  if (found.specHash === legacySpecHashOf(experiment, options)) return true;
  // A finished result of another hash version (or a spec whose words were edited since): same science.
  const current = scienceKey(experiment.spec, provenanceOf(experiment, options));
  return provenance !== null && found.spec !== undefined && scienceKey(found.spec, provenance) === current;
}

/**
 * The result of a finished cell of this experiment, null when unfinished. A folder that holds another
 * spec's result or started cell is a {@link SpecHashMismatchError}.
 */
export function finishedResult(
  dir: string,
  experiment: ResolvedExperiment,
  options: ProvenanceOptions,
): CellResult | null {
  const expected = specHashOf(experiment, options);
  // Cells started before the ImageNet sample was used read the stand-in: say how to continue those.
  const sample = provenanceOf(experiment, options) === 'imagenet-sample-1000';
  const fix =
    `Delete ${dir} or choose another --out folder` +
    (sample
      ? ' (this run reads the ImageNet sample; to continue Tiny-ImageNet stand-in cells, pass --no-imagenet-sample).'
      : '.');
  const existing = readJsonIfExists<CellResult>(join(dir, 'result.json'));
  if (existing) {
    if (!matches(existing, experiment, options, provenanceOfResult(existing)))
      throw new SpecHashMismatchError(expected, existing.specHash, dir, fix);
    return existing;
  }
  const started = readJsonIfExists<{ specHash: string }>(join(dir, 'cell.json'));
  // Checkpoints are resumed only under the exact hash they were started with (either version).
  if (started && !matches(started, experiment, options, null))
    throw new SpecHashMismatchError(expected, started.specHash, dir, fix);
  return null;
}
