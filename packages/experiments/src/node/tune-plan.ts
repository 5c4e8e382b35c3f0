import { join } from 'node:path';
import { PACKAGE, InvalidOptionError } from '../errors';
import { resolveGrid } from '../grid';
import { type ResolvedExperiment, resolveExperiment } from '../resolve';
import type { CurveAttackSpec } from '../kinds/curve';
import { evaluationKind, OPTIONAL_SCALE_KEYS } from '../kinds/registry';
import type { AttackKind, ExperimentSpec, ScaleSpec } from '../spec';
import { TuneMetricUnsupportedError } from '../tune-errors';

/** Default fraction of the training images a tune holds out for validation. */
export const DEFAULT_TUNE_VALIDATION = 0.1;

/** The grid of a tune. */
export interface TuneGrid {
  alphas: readonly number[];
  ths: readonly number[];
  seeds: readonly number[];
  /** Fraction of the training images held out and evaluated (default 0.1). */
  validationFraction?: number;
  /** The attack of the ratios (default: the experiment's first). */
  attack?: AttackKind;
}

/** One (α, Th) of a tune and its cells' experiment. */
export interface TunePairPlan {
  alpha: number;
  th: number;
  experiment: ResolvedExperiment;
}

/** Every cell of a tune: one unregularized baseline per seed and one regularized cell per (α, Th, seed). */
export interface TunePlan {
  /** The experiment tuned, at its preset. */
  base: ResolvedExperiment;
  alphas: number[];
  ths: number[];
  seeds: number[];
  validationFraction: number;
  attack: AttackKind;
  /** The attack's highest ε: the D of R_D/U_D. */
  epsilon: number;
  baseline: ResolvedExperiment;
  pairs: TunePairPlan[];
}

/** A number as part of a folder name: `0.4` → `0p4`. */
export function idPart(x: number): string {
  return String(x).replace(/\./g, 'p').replace(/-/g, 'm').replace(/\+/g, '');
}

/** Spec id of a tune's cells: `<id>-tune-base`, `<id>-tune-a<α>-th<Th>`. */
export function tuneCellId(id: string, pair: { alpha: number; th: number } | null): string {
  return pair ? `${id}-tune-a${idPart(pair.alpha)}-th${idPart(pair.th)}` : `${id}-tune-base`;
}

/** The folder of a tune's outputs: `<out>/<experiment>-tune/<preset>`. */
export function tuneDir(out: string, experiment: ResolvedExperiment): string {
  return join(out, `${experiment.spec.id}-tune`, experiment.preset.name);
}

function checkList(
  name: string,
  values: readonly number[],
  ok: (v: number) => boolean,
  range: string,
): number[] {
  const bad = values.find((v) => !(typeof v === 'number' && Number.isFinite(v) && ok(v)));
  if (values.length === 0 || bad !== undefined) {
    throw new InvalidOptionError(
      PACKAGE,
      `--${name}: ${values.length === 0 ? 'give at least one value' : `${bad} is not ${range}`}; e.g. --${name} ${name === 'alphas' ? '1,3,10' : '0.4,0.6,0.8'}.`,
      { option: name },
    );
  }
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length !== values.length)
    throw new InvalidOptionError(PACKAGE, `--${name}: a value is listed twice; list each once.`, {
      option: name,
    });
  return sorted;
}

/** The attack of a tune: `kind`, or the experiment's first; the Boundary Attack has no accuracy to compare. */
function tuneAttack(spec: ExperimentSpec, kind?: AttackKind): CurveAttackSpec {
  const attack = kind ? spec.evaluation.attacks.find((a) => a.kind === kind) : spec.evaluation.attacks[0];
  if (!attack) {
    throw new InvalidOptionError(
      PACKAGE,
      `--attack: ${spec.id} has no '${kind}' attack; it has ${spec.evaluation.attacks.map((a) => a.kind).join(', ')}.`,
      { option: 'attack' },
    );
  }
  if (attack.kind === 'boundary') {
    throw new TuneMetricUnsupportedError(
      spec.id,
      attack.kind,
      `${spec.id}: the tune's rule compares accuracies, regularized / unregularized, clean (R0/U0) and at the ` +
        "attack's highest ε (R_D/U_D); the Boundary Attack reports a distance instead (larger is more robust), " +
        'with no ε grid and no accuracy at a fixed ε, so the rule cannot score it. Tune an experiment with the ' +
        'same data sets and an accuracy attack (for CIFAR-10 ← CIFAR-10: fig3b) and reproduce this one with ' +
        '--tuned <that tune> or --alpha/--th.',
    );
  }
  if (evaluationKind(attack.kind).section !== 'curves') {
    throw new TuneMetricUnsupportedError(
      spec.id,
      attack.kind,
      `${spec.id}: the tune's rule compares accuracies against an ε grid, clean (R0/U0) and at the highest ε ` +
        `(R_D/U_D); '${attack.kind}' has no ε grid, so the rule cannot score it. Tune an experiment with the same ` +
        'data sets and an accuracy-against-ε attack (for CIFAR-10 ← CIFAR-10: fig3b) and reproduce this one with ' +
        '--tuned <that tune> or --alpha/--th.',
    );
  }
  return attack as CurveAttackSpec;
}

function cellSpec(
  spec: ExperimentSpec,
  attack: CurveAttackSpec,
  epsilon: number,
  validationFraction: number,
  pair: { alpha: number; th: number } | null,
): ExperimentSpec {
  const id = tuneCellId(spec.id, pair);
  const what = pair ? `regularized, α = ${pair.alpha}, Th = ${pair.th}` : 'unregularized baseline';
  return {
    ...spec,
    id,
    title: `Tuning ${spec.id}: ${what}`,
    description: `A cell of 'pixsim tune ${spec.id}': ${what}, ${attack.kind} at ε = 0 and ${epsilon} on a validation split of the training images.`,
    regularization: {
      ...spec.regularization,
      // The baseline trains with α = 0 whatever the experiment's α (its Th only sets the metrics' targets).
      alpha: pair ? pair.alpha : 0,
      th: pair ? pair.th : spec.regularization.th,
    },
    evaluation: { ...spec.evaluation, attacks: [{ kind: attack.kind, epsilons: [0, epsilon] }] },
    // The cell runs only the curve: the black-box and corruption sizes of other kinds are not its science.
    scale: Object.fromEntries(
      Object.entries(spec.scale).filter(([key]) => !(OPTIONAL_SCALE_KEYS as readonly string[]).includes(key)),
    ) as unknown as ScaleSpec,
    figure: { title: `Tuning ${spec.id}: ${what}`, caption: spec.figure.caption },
    tuning: {
      role: pair ? 'regularized' : 'unregularized',
      validationFraction,
      baseline: tuneCellId(spec.id, null),
    },
  };
}

/**
 * The cells of `pixsim tune`: one unregularized baseline per seed and one regularized cell per (α, Th, seed),
 * each an ordinary cell of a spec of its own (`<id>-tune-…`) that trains only its model (and the FGSM
 * surrogate) and evaluates the attack at ε = 0 and its highest ε on a validation split of the training images.
 */
export function planTune(base: ResolvedExperiment, grid: TuneGrid): TunePlan {
  if (base.spec.tuning) {
    throw new InvalidOptionError(
      PACKAGE,
      `${base.spec.id} is a tuning cell's spec; tune the experiment itself.`,
      { option: 'experiment' },
    );
  }
  const alphas = checkList('alphas', grid.alphas, (v) => v > 0 && v <= 1e6, 'a number > 0');
  const ths = checkList('ths', grid.ths, (v) => v > 0 && v < 1, 'in (0, 1)');
  const seeds = checkList('seeds', grid.seeds, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  const fraction = grid.validationFraction ?? DEFAULT_TUNE_VALIDATION;
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) {
    throw new InvalidOptionError(
      PACKAGE,
      `--validation: ${fraction} is not a fraction in (0, 1); e.g. 0.1.`,
      { option: 'validation' },
    );
  }
  const attack = tuneAttack(base.spec, grid.attack);
  const epsilon = Math.max(...resolveGrid('epsilons', attack.epsilons));
  const resolve = (pair: { alpha: number; th: number } | null) =>
    resolveExperiment(cellSpec(base.spec, attack, epsilon, fraction, pair), base.preset);
  const pairs = alphas.flatMap((alpha) =>
    ths.map((th) => ({ alpha, th, experiment: resolve({ alpha, th }) })),
  );
  return {
    base,
    alphas,
    ths,
    seeds,
    validationFraction: fraction,
    attack: attack.kind,
    epsilon,
    baseline: resolve(null),
    pairs,
  };
}

/** Every cell of a plan as (experiment, seed), the baselines first. */
export function tuneCellList(plan: TunePlan): { experiment: ResolvedExperiment; seed: number }[] {
  return [plan.baseline, ...plan.pairs.map((p) => p.experiment)].flatMap((experiment) =>
    plan.seeds.map((seed) => ({ experiment, seed })),
  );
}
