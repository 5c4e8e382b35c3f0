import { ExperimentsError } from './errors';

/**
 * `pixsim tune` was asked to tune with an attack its rule cannot score: the rule compares accuracies at the
 * attack's highest ε (R_D/U_D), and the Boundary Attack reports a distance instead (larger is more robust),
 * with no ε and no accuracy at it.
 */
export class TuneMetricUnsupportedError extends ExperimentsError {
  readonly experiment: string;
  readonly attack: string;

  constructor(experiment: string, attack: string, message: string) {
    super('TUNE_METRIC_UNSUPPORTED', message);
    this.experiment = experiment;
    this.attack = attack;
  }
}

/** `--tuned <dir>` names a tune in which no (α, Th) passed the rule (`selected: null`). */
export class NoTunedPairError extends ExperimentsError {
  /** The `tune.json` read. */
  readonly file: string;
  /** The pair of the best mean R0/U0, for the message. */
  readonly bestR0U0: { alpha: number; th: number; r0u0: number } | null;

  constructor(file: string, bestR0U0: { alpha: number; th: number; r0u0: number } | null) {
    const best = bestR0U0
      ? ` The best mean R0/U0 was ${bestR0U0.r0u0.toFixed(3)} (α = ${bestR0U0.alpha}, Th = ${bestR0U0.th}).`
      : '';
    super(
      'NO_TUNED_PAIR',
      `${file}: no (α, Th) kept R0/U0 ≥ 0.9, so the tune selected none (selected: null).${best} ` +
        'Tune a wider grid (smaller α), or pass --alpha and --th yourself.',
    );
    this.file = file;
    this.bestR0U0 = bestR0U0;
  }
}

/** `reproduce --tuned` with seeds the pair was tuned on: the reproduction must use held-out seeds. */
export class TuneSeedOverlapError extends ExperimentsError {
  readonly file: string;
  /** The requested seeds that the tune used. */
  readonly overlapping: readonly number[];
  readonly tuneSeeds: readonly number[];

  constructor(file: string, overlapping: readonly number[], tuneSeeds: readonly number[]) {
    super(
      'TUNE_SEED_OVERLAP',
      `${file} was tuned on seeds ${tuneSeeds.join(', ')}; seed${overlapping.length === 1 ? '' : 's'} ` +
        `${overlapping.join(', ')} would evaluate the pair on the seeds that chose it. Pass --seeds without them ` +
        `(e.g. --seeds ${Math.max(...tuneSeeds) + 1}-${Math.max(...tuneSeeds) + 3}).`,
    );
    this.file = file;
    this.overlapping = overlapping;
    this.tuneSeeds = tuneSeeds;
  }
}
