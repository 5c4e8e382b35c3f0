import { FULL_OPTIONAL_SCALE, paperScale } from './experiments';
import { EVALUATION_KINDS, OPTIONAL_SCALE_KEYS, scaleKeysOf } from './kinds/registry';
import { type Preset, validatePreset } from './presets';
import type { ExperimentSpec, ScaleSpec } from './spec';
import { validateScale, validateSpec } from './validate';

/** An experiment at a preset's scale: what a run executes and what its results record. */
export interface ResolvedExperiment {
  /** The spec with the preset's scale applied. */
  readonly spec: ExperimentSpec;
  /** The preset as given. */
  readonly preset: Preset;
  /** Each way the scale differs from the paper's, in words (e.g. `'width 8 instead of 64'`). */
  readonly reductions: readonly string[];
}

const LABELS: Record<Exclude<keyof ScaleSpec, 'learningRateSchedule'>, string> = {
  width: 'width',
  trainImages: 'training images',
  testImages: 'test images',
  regularizationImages: 'regularization images N',
  epochs: 'epochs',
  boundaryImages: 'Boundary-Attack images',
  boundaryRepeats: 'Boundary-Attack repeats',
  blackBoxImages: 'black-box (Square, HopSkipJump) images',
  blackBoxQueries: 'black-box query budget',
  corruptionImages: 'corrupted test images',
};

/** The differences between `scale` and the paper's scale for the same task, in words. */
export function describeReductions(spec: ExperimentSpec, given?: ScaleSpec): string[] {
  validateSpec(spec);
  const scale = given === undefined ? spec.scale : validateScale(given as unknown as Record<string, unknown>);
  const paper: ScaleSpec = { ...FULL_OPTIONAL_SCALE, ...paperScale(spec.task.dataset) };
  // Sizes of kinds the spec does not run are not reductions of it.
  const used = scaleKeysOf(spec.evaluation.attacks);
  const unused = new Set(
    EVALUATION_KINDS.flatMap((k) => k.scaleKeys as (keyof ScaleSpec)[]).filter((key) => !used.has(key)),
  );
  const out: string[] = [];
  for (const key of Object.keys(LABELS) as (keyof typeof LABELS)[]) {
    if (unused.has(key)) continue;
    if (scale[key] !== paper[key]) {
      const v = (x: number | 'all' | undefined) => (x === 'all' ? 'all' : (x as number).toLocaleString('en'));
      out.push(`${LABELS[key]} ${v(scale[key])} instead of ${v(paper[key])}`);
    }
  }
  if (scale.learningRateSchedule === 'proportional') {
    out.push(
      `learning-rate schedule proportional: the paper's cyclic step decay read at epoch × ${paper.epochs}/${scale.epochs} ` +
        'instead of per epoch',
    );
  }
  return out;
}

/**
 * Applies `preset` to `spec`: its `scale` overrides, then those for the spec's task data set. Science
 * (α, Th, data sets, attacks, grids) is untouched by construction.
 */
export function resolveExperiment(spec: ExperimentSpec, preset: Preset): ResolvedExperiment {
  const checked = validateSpec(spec);
  const valid = validatePreset(preset);
  const overrides: Record<string, unknown> = {
    ...(valid.scale ?? {}),
    ...(valid.byTask?.[checked.task.dataset] ?? {}),
  };
  // A preset's black-box and corruption sizes apply to the specs that have them; the others keep their hash.
  for (const key of OPTIONAL_SCALE_KEYS) if (checked.scale[key] === undefined) delete overrides[key];
  const scale = validateScale({ ...checked.scale, ...overrides });
  const resolved: ExperimentSpec = { ...checked, scale };
  return { spec: resolved, preset, reductions: describeReductions(resolved) };
}
