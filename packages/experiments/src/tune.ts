import { PACKAGE, InvalidOptionError } from './errors';
import { meanSem } from './stats';

/** Version tag of `tune.json`. */
export const TUNE_FORMAT = 'pixsim-tune-1';

/** The clean-accuracy ratio R0/U0 a pair must keep (mean over seeds), fixed before the runs. */
export const MIN_CLEAN_RATIO = 0.9;

/** The selection rule in words, as `tune.json` and the table state it. */
export const SELECTION_RULE =
  `among the pairs with mean R0/U0 ≥ ${MIN_CLEAN_RATIO}, the one with the largest mean R_D/U_D ` +
  '(ties: the smaller α, then the smaller Th); none when no pair passes';

/** One model's accuracy on the validation split: clean (ε = 0) and at the attack's highest ε. */
export interface Accuracies {
  clean: number;
  atMax: number;
}

/** The unregularized baseline of one seed. */
export interface BaselineObservation extends Accuracies {
  seed: number;
}

/** A regularized cell: one (α, Th) at one seed. */
export interface PairObservation extends Accuracies {
  alpha: number;
  th: number;
  seed: number;
}

/** Mean ± SEM over seeds of a ratio; `values` per seed, `null` where the baseline's accuracy was 0 (undefined ratio). */
export interface RatioStats {
  mean: number | null;
  /** Null with fewer than 2 defined seeds. */
  sem: number | null;
  values: (number | null)[];
}

/** One (α, Th) of a tune. */
export interface TuneCell {
  alpha: number;
  th: number;
  /** Regularized clean accuracy / unregularized clean accuracy of the same seed. */
  r0u0: RatioStats;
  /** The same ratio at the attack's highest ε. */
  rdud: RatioStats;
  /** Mean R0/U0 ≥ {@link MIN_CLEAN_RATIO}. */
  passes: boolean;
}

/** What the rule chose. */
export interface TuneSelection {
  selected: { alpha: number; th: number } | null;
  /** When no pair passes: the pair of the best mean R0/U0 (null when there is none). */
  bestR0U0: { alpha: number; th: number; r0u0: number } | null;
}

function ratio(r: number, u: number): number | null {
  return u > 0 ? r / u : null;
}

function stats(values: (number | null)[]): RatioStats {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return { mean: null, sem: null, values };
  return { ...meanSem(defined), values };
}

/**
 * The cells of a tune from its observations: per (α, Th), the ratios to the unregularized baseline of the
 * same seed, then mean and SEM over the seeds (in the order of `seeds`). Every (α, Th, seed) and every
 * baseline seed must be present once.
 */
export function tuneCells(
  seeds: readonly number[],
  baselines: readonly BaselineObservation[],
  pairs: readonly PairObservation[],
): TuneCell[] {
  const base = new Map(baselines.map((b) => [b.seed, b]));
  const byPair = new Map<string, PairObservation[]>();
  for (const p of pairs) {
    const key = `${p.alpha}/${p.th}`;
    byPair.set(key, [...(byPair.get(key) ?? []), p]);
  }
  const cells: TuneCell[] = [];
  for (const obs of byPair.values()) {
    const { alpha, th } = obs[0];
    const r0: (number | null)[] = [];
    const rd: (number | null)[] = [];
    for (const seed of seeds) {
      const u = base.get(seed);
      const r = obs.filter((o) => o.seed === seed);
      if (!u || r.length !== 1) {
        throw new InvalidOptionError(
          PACKAGE,
          `tune: α = ${alpha}, Th = ${th}, seed ${seed} needs one regularized cell and one baseline, found ${r.length} and ${u ? 1 : 0}.`,
          { option: 'observations' },
        );
      }
      r0.push(ratio(r[0].clean, u.clean));
      rd.push(ratio(r[0].atMax, u.atMax));
    }
    const r0u0 = stats(r0);
    cells.push({
      alpha,
      th,
      r0u0,
      rdud: stats(rd),
      passes: r0u0.mean !== null && r0u0.mean >= MIN_CLEAN_RATIO,
    });
  }
  return cells.sort((a, b) => a.alpha - b.alpha || a.th - b.th);
}

/**
 * The selection rule, fixed before the runs: among the cells that pass (mean R0/U0 ≥ 0.9), the largest mean
 * R_D/U_D; ties go to the smaller α, then the smaller Th. When none passes, `selected` is null and
 * `bestR0U0` names the pair of the best mean R0/U0.
 */
export function selectPair(cells: readonly TuneCell[]): TuneSelection {
  const candidates = cells.filter((c) => c.passes && c.rdud.mean !== null);
  if (candidates.length > 0) {
    const best = [...candidates].sort(
      (a, b) => (b.rdud.mean as number) - (a.rdud.mean as number) || a.alpha - b.alpha || a.th - b.th,
    )[0];
    return { selected: { alpha: best.alpha, th: best.th }, bestR0U0: null };
  }
  const defined = cells.filter((c) => c.r0u0.mean !== null);
  if (defined.length === 0) return { selected: null, bestR0U0: null };
  const best = [...defined].sort(
    (a, b) => (b.r0u0.mean as number) - (a.r0u0.mean as number) || a.alpha - b.alpha || a.th - b.th,
  )[0];
  return { selected: null, bestR0U0: { alpha: best.alpha, th: best.th, r0u0: best.r0u0.mean as number } };
}

/** `tune.json`: the grid, each pair's ratios over seeds, and the choice. */
export interface TuneResult extends TuneSelection {
  format: typeof TUNE_FORMAT;
  experiment: string;
  preset: string;
  seeds: number[];
  alphas: number[];
  ths: number[];
  /** The attack the ratios are measured with, and its highest ε (the D of R_D/U_D). */
  attack: string;
  epsilon: number;
  /** Fraction of the training images held out and evaluated (never the test set). */
  validationFraction: number;
  /** Validation images evaluated. */
  validationImages: number;
  rule: string;
  /** The unregularized baselines' accuracies per seed. */
  baselines: BaselineObservation[];
  cells: TuneCell[];
}

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));
const withSem = (s: RatioStats) => (s.sem === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.sem)}`);

/** The verdict of a tune in one sentence. */
export function tuneVerdict(t: TuneSelection): string {
  if (t.selected) return `selected: α = ${t.selected.alpha}, Th = ${t.selected.th}`;
  const best = t.bestR0U0;
  return `no pair passes R0/U0 ≥ ${MIN_CLEAN_RATIO}${best ? `; best R0/U0 ${best.r0u0.toFixed(3)} at α = ${best.alpha}, Th = ${best.th}` : ''}`;
}

/** `tune.md`: one row per (α, Th) with R0/U0 and R_D/U_D (mean ± SEM over seeds), whether it passes, the choice. */
export function tuneTable(t: TuneResult): string {
  const rows = t.cells.map((c) => {
    const chosen = t.selected?.alpha === c.alpha && t.selected.th === c.th;
    return `| ${c.alpha} | ${c.th} | ${withSem(c.r0u0)} | ${withSem(c.rdud)} | ${c.passes ? 'yes' : 'no'} | ${chosen ? '**selected**' : ''} |`;
  });
  return [
    `Tuning ${t.experiment}, preset ${t.preset}, seeds ${t.seeds.join(', ')}: ${t.attack} at ε = ${t.epsilon} on ` +
      `${t.validationImages} held-out training images (validation fraction ${t.validationFraction}; never the test set).`,
    '',
    `Rule: ${t.rule}. ${tuneVerdict(t)[0].toUpperCase()}${tuneVerdict(t).slice(1)}.`,
    '',
    `| α | Th | R0/U0 | R_D/U_D (ε = ${t.epsilon}) | passes | |`,
    '| ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
}
