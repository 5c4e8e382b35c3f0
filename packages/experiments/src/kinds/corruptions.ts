import {
  CORRUPTION_FAMILIES,
  type CorruptionEvaluation,
  type CorruptionFamily,
  corruptionErrorSummary,
  deriveSeed,
  evaluateCorruptionsAsync,
  AttackError,
} from '@pixsim/attacks';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError, InvalidSpecError, NoResultsError } from '../errors';
import type { ModelRole } from '../result';
import { onlyKeys } from '../spec-fields';
import { type MeanSem, type MeanSemList, seedListStats, seedStats } from './black-box';
import type { EvaluationContext, EvaluationKind } from './kind';
import { bandLayers, classifierOf, markdownTable, percentCell, seededIndices } from './style';

const CORRUPTION_STREAM = 0xc022;
const NOT_COMPUTED = ['fog', 'frost', 'snow', 'glass-blur'];

/**
 * The common corruptions of CIFAR-10-C (Hendrycks & Dietterich 2019) on a seeded choice of
 * `scale.corruptionImages` test images: accuracy per family and severity, and the corruption error (mCE)
 * of each model relative to the unregularized model of the same cell.
 */
export interface CorruptionsSpec {
  readonly kind: 'corruptions';
  /** Families, in order (`'jpeg-compression'` through sharp in Node; `'saturate'` needs RGB). */
  readonly families: readonly CorruptionFamily[];
  /** Severities, integers 1–5. */
  readonly severities: readonly number[];
}

/** The corruptions against one model (`result.json`, in `evaluations`): `evaluateCorruptions`' result. */
export interface CorruptionsRecord extends CorruptionEvaluation {
  kind: 'corruptions';
  model: ModelRole;
  imageIndices: number[];
}

/** Mean ± SEM over seeds of one model's corruption accuracies (`summary.json`, in `evaluations`). */
export interface CorruptionsSummary {
  kind: 'corruptions';
  model: ModelRole;
  severities: number[];
  cleanAccuracy: MeanSem;
  families: { family: CorruptionFamily; accuracy: MeanSemList }[];
  /** Mean over families, per severity. */
  meanAccuracy: MeanSemList;
  /** Relative to the unregularized model of each seed (absent for that model). */
  corruptionError?: {
    mCE: MeanSem;
    relativeMCE: MeanSem;
    families: { family: CorruptionFamily; ce: MeanSem }[];
  };
  seeds: number[];
}

function validateFamilies(field: string, raw: unknown, channels: 'grey' | 'rgb'): CorruptionFamily[] {
  if (!Array.isArray(raw) || raw.length === 0 || new Set(raw).size !== raw.length) {
    throw new InvalidSpecError(
      field,
      raw,
      `${field}: list the corruption families once each, e.g. ["gaussian-noise", "defocus-blur", "jpeg-compression"], got ${JSON.stringify(raw)}.`,
    );
  }
  return raw.map((f, i) => {
    if (NOT_COMPUTED.includes(f)) {
      throw new InvalidSpecError(
        `${field}[${i}]`,
        f,
        `${field}[${i}]: '${f}' is not computed by @pixsim/attacks (frost needs the reference's texture files; fog, snow ` +
          `and glass blur are not reproduced); use ${CORRUPTION_FAMILIES.join(', ')}.`,
      );
    }
    if (!CORRUPTION_FAMILIES.includes(f)) {
      throw new InvalidSpecError(
        `${field}[${i}]`,
        f,
        `${field}[${i}]: unknown corruption ${JSON.stringify(f)}; use one of ${CORRUPTION_FAMILIES.join(', ')}.`,
      );
    }
    if (f === 'saturate' && channels === 'grey') {
      throw new InvalidSpecError(
        `${field}[${i}]`,
        f,
        `${field}[${i}]: 'saturate' scales the saturation, which grey images (task.channels 'grey') have none of; leave it out.`,
      );
    }
    return f as CorruptionFamily;
  });
}

function validateSeverities(field: string, raw: unknown): number[] {
  const ok =
    Array.isArray(raw) &&
    raw.length > 0 &&
    new Set(raw).size === raw.length &&
    raw.every((s) => Number.isInteger(s) && s >= 1 && s <= 5);
  if (!ok) {
    throw new InvalidSpecError(
      field,
      raw,
      `${field}: severities are distinct integers from 1 to 5 (CIFAR-10-C's levels), e.g. [1, 2, 3, 4, 5], got ${JSON.stringify(raw)}.`,
    );
  }
  return [...(raw as number[])];
}

async function evaluate(spec: CorruptionsSpec, ctx: EvaluationContext): Promise<CorruptionsRecord> {
  const needsJpeg = spec.families.includes('jpeg-compression');
  if (needsJpeg && !ctx.jpeg) {
    throw new InvalidOptionError(
      'jpeg',
      "corruptions: 'jpeg-compression' needs a JPEG codec (the Node runner passes sharp's); leave it out elsewhere.",
    );
  }
  const jpeg = needsJpeg && ctx.jpeg ? await ctx.jpeg() : undefined;
  const count = ctx.spec.scale.corruptionImages as number | 'all';
  const n = ctx.test.labels.length;
  const indices = seededIndices(n, count === 'all' ? n : count, ctx.seed, CORRUPTION_STREAM);
  const images = tf.tidy(() => tf.gather(ctx.test.images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
  try {
    const result = await evaluateCorruptionsAsync(
      classifierOf(ctx.model, ctx.spec),
      { images, labels: Int32Array.from(indices, (i) => ctx.test.labels[i]) },
      {
        seed: deriveSeed(ctx.seed, CORRUPTION_STREAM),
        families: spec.families,
        severities: spec.severities,
        batchSize: ctx.spec.evaluation.batchSize,
        jpeg,
      },
    );
    return { kind: 'corruptions', model: ctx.role, imageIndices: indices, ...result };
  } finally {
    images.dispose();
  }
}

/** The corruption errors of `record` relative to `baseline` (`null` where undefined: a baseline without error). */
function errorsAgainst(record: CorruptionsRecord, baseline: CorruptionsRecord | undefined) {
  if (!baseline) return null;
  try {
    return corruptionErrorSummary(record, baseline);
  } catch (error) {
    if (AttackError.is(error) && error.code === 'INCOMPARABLE_EVALUATIONS') return null;
    throw error;
  }
}

function corruptionError(
  first: CorruptionsRecord,
  per: CorruptionsRecord[],
  baselines: (CorruptionsRecord | undefined)[],
  seeds: number[],
) {
  if (first.model === 'unregularized') return {};
  const ces = per.map((r, k) => errorsAgainst(r, baselines[k]));
  return {
    corruptionError: {
      mCE: seedStats(
        ces.map((c) => c?.mCE ?? null),
        seeds,
      ),
      relativeMCE: seedStats(
        ces.map((c) => c?.relativeMCE ?? null),
        seeds,
      ),
      families: first.families.map(({ family }) => ({
        family,
        ce: seedStats(
          ces.map((c) => c?.families.find((f) => f.family === family)?.ce ?? null),
          seeds,
        ),
      })),
    },
  };
}

function chart(summaries: readonly CorruptionsSummary[]): Record<string, unknown> {
  const values = summaries.flatMap((s) =>
    s.families.flatMap(({ family, accuracy }) =>
      s.severities.map((severity, k) => {
        const mean = accuracy.mean[k] as number;
        const sem = accuracy.sem[k] ?? 0;
        const model = s.model === 'regularized' ? 'regularized (Sᵀʰ)' : s.model;
        return { model, family, severity, mean, lo: Math.max(0, mean - sem), hi: Math.min(1, mean + sem) };
      }),
    ),
  );
  const x = { field: 'severity', type: 'ordinal', title: 'severity', axis: { labelAngle: 0 } };
  return {
    data: { values },
    facet: { field: 'family', type: 'nominal', title: null, header: { labelFontSize: 12 } },
    columns: 4,
    spec: {
      width: 150,
      height: 120,
      layer: bandLayers(x, { title: 'accuracy', scale: { domain: [0, 1] }, axis: { format: '%' } }),
    },
  };
}

/** The common-corruptions kind (`{ kind: 'corruptions', families, severities }`). */
export const corruptionsKind: EvaluationKind<CorruptionsSpec, CorruptionsRecord, CorruptionsSummary> = {
  names: ['corruptions'],
  section: 'evaluations',
  recordKind: (record) => record.kind,
  scaleKeys: ['corruptionImages'],
  validate(field, o, context) {
    onlyKeys(field, o, ['kind', 'families', 'severities']);
    return {
      kind: 'corruptions',
      families: validateFamilies(`${field}.families`, o.families, context.channels),
      severities: validateSeverities(`${field}.severities`, o.severities),
    };
  },
  needsSurrogate: () => false,
  evaluate,
  describe: (r) =>
    `clean ${(100 * r.cleanAccuracy).toFixed(1)}%, per severity ${r.severities
      .map(
        (_, k) =>
          `${((100 * r.families.reduce((a, f) => a + f.accuracy[k], 0)) / r.families.length).toFixed(1)}%`,
      )
      .join(' ')}`,
  sameRecord: (a, b) => a.model === b.model,
  aggregate(first, cells) {
    const seeds = cells.map((c) => c.seed);
    const per = cells.map((c) => {
      const match = c.records.find((r) => r.model === first.model);
      if (!match)
        throw new NoResultsError(
          '',
          `aggregate: seed ${c.seed} has no corruptions record for the ${first.model} model.`,
        );
      return match;
    });
    const baselines = cells.map((c) => c.records.find((r) => r.model === 'unregularized'));
    const familyAccuracy = (r: CorruptionsRecord, family: string) =>
      r.families.find((f) => f.family === family)?.accuracy ?? [];
    return {
      kind: 'corruptions',
      model: first.model,
      severities: [...first.severities],
      cleanAccuracy: seedStats(
        per.map((r) => r.cleanAccuracy),
        seeds,
      ),
      families: first.families.map(({ family }) => ({
        family,
        accuracy: seedListStats(
          per.map((r) => familyAccuracy(r, family)),
          seeds,
        ),
      })),
      meanAccuracy: seedListStats(
        per.map((r) =>
          r.severities.map((_, k) => r.families.reduce((a, f) => a + f.accuracy[k], 0) / r.families.length),
        ),
        seeds,
      ),
      ...corruptionError(first, per, baselines, seeds),
      seeds,
    };
  },
  csvRows(s) {
    const tail = [s.seeds.length, s.seeds.join(' ')];
    const rows: (string | number | null)[][] = [
      [s.model, 'corruptions', 'clean accuracy', null, s.cleanAccuracy.mean, s.cleanAccuracy.sem, ...tail],
    ];
    for (const f of s.families) {
      s.severities.forEach((sev, k) => {
        rows.push([
          s.model,
          'corruptions',
          `accuracy ${f.family} severity ${sev}`,
          null,
          f.accuracy.mean[k],
          f.accuracy.sem[k],
          ...tail,
        ]);
      });
    }
    if (s.corruptionError) {
      const ce = s.corruptionError;
      rows.push([s.model, 'corruptions', 'mCE vs unregularized', null, ce.mCE.mean, ce.mCE.sem, ...tail]);
      rows.push([
        s.model,
        'corruptions',
        'relative mCE vs unregularized',
        null,
        ce.relativeMCE.mean,
        ce.relativeMCE.sem,
        ...tail,
      ]);
    }
    return rows;
  },
  tables(summaries) {
    if (!summaries.length) return [];
    const sev = summaries[0].severities;
    const accuracy = markdownTable(
      ['Corruptions: accuracy (%)', 'model', ...sev.map((s) => `severity ${s}`)],
      ['---', '---', ...sev.map(() => '---:')],
      [
        ...summaries.map((s) => [
          'clean',
          s.model,
          percentCell(s.cleanAccuracy.mean, s.cleanAccuracy.sem),
          ...sev.slice(1).map(() => ''),
        ]),
        ...summaries[0].families.flatMap(({ family }) =>
          summaries.map((s) => {
            const a = s.families.find((f) => f.family === family)?.accuracy as MeanSemList;
            return [family, s.model, ...sev.map((_, k) => percentCell(a.mean[k], a.sem[k]))];
          }),
        ),
        ...summaries.map((s) => [
          'mean over families',
          s.model,
          ...sev.map((_, k) => percentCell(s.meanAccuracy.mean[k], s.meanAccuracy.sem[k])),
        ]),
      ],
    );
    const ratio = (m: MeanSem) =>
      m.mean === null
        ? '–'
        : m.sem === null
          ? m.mean.toFixed(3)
          : `${m.mean.toFixed(3)} ± ${m.sem.toFixed(3)}`;
    const withCe = summaries.filter((s) => s.corruptionError);
    if (!withCe.length) return [accuracy];
    const ce = markdownTable(
      ['Corruption error relative to the unregularized model', 'mCE', 'relative mCE'],
      ['---', '---:', '---:'],
      withCe.map((s) => [s.model, ratio(s.corruptionError!.mCE), ratio(s.corruptionError!.relativeMCE)]),
    );
    return [accuracy, ce];
  },
  charts: (summaries) => (summaries.length ? [chart(summaries)] : []),
};
