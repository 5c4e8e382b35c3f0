import { paperScale } from './experiments';
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
};

/** The differences between `scale` and the paper's scale for the same task, in words. */
export function describeReductions(spec: ExperimentSpec, given?: ScaleSpec): string[] {
  validateSpec(spec);
  const scale = given === undefined ? spec.scale : validateScale(given as unknown as Record<string, unknown>);
  const paper = paperScale(spec.task.dataset);
  const usesBoundary = spec.evaluation.attacks.some((a) => a.kind === 'boundary');
  const out: string[] = [];
  for (const key of Object.keys(LABELS) as (keyof typeof LABELS)[]) {
    if ((key === 'boundaryImages' || key === 'boundaryRepeats') && !usesBoundary) continue;
    if (scale[key] !== paper[key]) {
      const v = (x: number | 'all') => (x === 'all' ? 'all' : x.toLocaleString('en'));
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
  const scale = validateScale({
    ...checked.scale,
    ...(valid.scale ?? {}),
    ...(valid.byTask?.[checked.task.dataset] ?? {}),
  });
  const resolved: ExperimentSpec = { ...checked, scale };
  return { spec: resolved, preset, reductions: describeReductions(resolved) };
}
