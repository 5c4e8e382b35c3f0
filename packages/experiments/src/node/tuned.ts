import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE, InvalidOptionError, NoResultsError } from '../errors';
import type { ExperimentSpec } from '../spec';
import { TUNE_FORMAT, type TuneResult } from '../tune';
import { NoTunedPairError, TuneSeedOverlapError } from '../tune-errors';
import { validateSpec } from '../validate';
import { readJsonIfExists } from './files';
import { idPart } from './tune-plan';

/** Where a reproduction's (α, Th) come from: a tune's folder (or its `tune.json`), or the two values. */
export type PairChoice = { tuned: string } | { alpha: number; th: number };

/** Reads the `tune.json` of a tune folder (or the file itself). */
export function readTune(path: string): { file: string; tune: TuneResult } {
  const file = resolve(existsSync(path) && statSync(path).isDirectory() ? join(path, 'tune.json') : path);
  const tune = readJsonIfExists<TuneResult>(file);
  if (!tune) {
    throw new NoResultsError(
      file,
      `--tuned: ${file} does not exist; pass the folder 'pixsim tune' wrote (<out>/<experiment>-tune/<preset>).`,
    );
  }
  if (tune.format !== TUNE_FORMAT || !Array.isArray(tune.seeds) || !('selected' in tune)) {
    throw new InvalidOptionError(
      PACKAGE,
      `--tuned: ${file} is not a ${TUNE_FORMAT} file as 'pixsim tune' writes it.`,
      { option: 'tuned' },
    );
  }
  return { file, tune };
}

/** The spec's title with its (α = …, Th = …) replaced, or the pair appended. */
function retitle(title: string, alpha: number, th: number): string {
  const pair = `α = ${alpha}, Th = ${th}`;
  const re = /α = [^,()]+, Th = [^,()]+/;
  return re.test(title) ? title.replace(re, pair) : `${title} (${pair})`;
}

/**
 * The experiment with the tuned (or given) α and Th: a spec of its own (`<id>-a<α>-th<Th>`, so its results
 * never mix with the shipped pair's), its title naming the pair, and `tuned` saying where the pair came from.
 * `--tuned` refuses a tune that selected nothing ({@link NoTunedPairError}), a tune of another experiment,
 * and any of `seeds` the pair was tuned on ({@link TuneSeedOverlapError}).
 */
export function tunedSpec(
  spec: ExperimentSpec,
  choice: PairChoice,
  seeds: readonly number[],
): ExperimentSpec {
  let alpha: number;
  let th: number;
  let tuned: ExperimentSpec['tuned'];
  const replaced = { alpha: spec.regularization.alpha, th: spec.regularization.th };
  if ('tuned' in choice) {
    const { file, tune } = readTune(choice.tuned);
    if (tune.experiment !== spec.id) {
      throw new InvalidOptionError(PACKAGE, `--tuned: ${file} tuned ${tune.experiment}, not ${spec.id}.`, {
        option: 'tuned',
      });
    }
    if (!tune.selected) throw new NoTunedPairError(file, tune.bestR0U0 ?? null);
    const overlapping = seeds.filter((s) => tune.seeds.includes(s));
    if (overlapping.length > 0) throw new TuneSeedOverlapError(file, overlapping, tune.seeds);
    ({ alpha, th } = tune.selected);
    tuned = { source: 'tune', replaced, file, tuneSeeds: [...tune.seeds], tunePreset: tune.preset };
  } else {
    ({ alpha, th } = choice);
    tuned = { source: 'flags', replaced };
  }
  const title = retitle(spec.title, alpha, th);
  // validateSpec checks α ≥ 0 and Th ∈ (0, 1) with typed errors naming the field.
  return validateSpec({
    ...spec,
    id: `${spec.id}-a${idPart(alpha)}-th${idPart(th)}`,
    title,
    regularization: { ...spec.regularization, alpha, th },
    figure: { ...spec.figure, title: retitle(spec.figure.title, alpha, th) },
    tuned,
  });
}
