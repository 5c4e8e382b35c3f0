import { InvalidSpecError, unknownDatasetError } from './errors';
import { resolveGrid } from './grid';
import {
  ATTACK_KINDS,
  type AttackSpec,
  type ExperimentSpec,
  LEARNING_RATE_SCHEDULES,
  REGULARIZATION_DATASETS,
  REGULARIZATION_SELECTIONS,
  type ScaleSpec,
  SPEC_FORMAT,
  TASK_DATASETS,
} from './spec';
import { validateTuned, validateTuning } from './validate-tuning';

const PAIR_RANGES = ['all', 'high', 'low', 'positive', 'negative', 'double'] as const;

/** Reads `obj[key]` as an object, or throws naming the field. */
function section(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidSpecError(key, v, `${key}: the spec needs an object here, got ${JSON.stringify(v)}.`);
  }
  return v as Record<string, unknown>;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new InvalidSpecError(
      field,
      v,
      `${field}: must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}.`,
    );
  }
  return v as T;
}

/** A positive integer (or `'all'` where allowed). */
export function positiveInt(field: string, v: unknown, allowAll = false): number | 'all' {
  if (allowAll && v === 'all') return 'all';
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidSpecError(
      field,
      v,
      `${field}: must be a positive integer${allowAll ? " or 'all'" : ''}, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

function text(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new InvalidSpecError(field, v, `${field}: must be a non-empty string, got ${JSON.stringify(v)}.`);
  }
  return v;
}

/** Validates the {@link ScaleSpec} part (also used for preset overrides). */
export function validateScale(scale: Record<string, unknown>, prefix = 'scale'): ScaleSpec {
  return {
    width: positiveInt(`${prefix}.width`, scale.width) as number,
    trainImages: positiveInt(`${prefix}.trainImages`, scale.trainImages, true),
    testImages: positiveInt(`${prefix}.testImages`, scale.testImages, true),
    regularizationImages: positiveInt(`${prefix}.regularizationImages`, scale.regularizationImages) as number,
    epochs: positiveInt(`${prefix}.epochs`, scale.epochs) as number,
    boundaryImages: positiveInt(`${prefix}.boundaryImages`, scale.boundaryImages) as number,
    boundaryRepeats: positiveInt(`${prefix}.boundaryRepeats`, scale.boundaryRepeats) as number,
    ...learningRateScheduleOf(`${prefix}.learningRateSchedule`, scale.learningRateSchedule),
  };
}

/** `{ learningRateSchedule: 'proportional' }`, or `{}` for `'paper'` and absent (today's spec hash). */
export function learningRateScheduleOf(field: string, v: unknown): Pick<ScaleSpec, 'learningRateSchedule'> {
  if (v === undefined) return {};
  const schedule = oneOf(field, v, LEARNING_RATE_SCHEDULES);
  return schedule === 'paper' ? {} : { learningRateSchedule: schedule };
}

function validateAttack(field: string, a: unknown): AttackSpec {
  if (typeof a !== 'object' || a === null) {
    throw new InvalidSpecError(
      field,
      a,
      `${field}: an attack is an object { kind, … }, got ${JSON.stringify(a)}.`,
    );
  }
  const o = a as Record<string, unknown>;
  const kind = oneOf(`${field}.kind`, o.kind, ATTACK_KINDS);
  if (kind === 'boundary') return { kind, steps: positiveInt(`${field}.steps`, o.steps) as number };
  // Salt-and-pepper ε is a probability.
  const max = kind === 'salt-and-pepper-noise' ? 1 : Number.POSITIVE_INFINITY;
  resolveGrid(`${field}.epsilons`, o.epsilons as never, max);
  return { kind, epsilons: o.epsilons as never };
}

/**
 * Checks that `spec` is a complete, consistent {@link ExperimentSpec} and returns it typed. Every fault is
 * an {@link InvalidSpecError} (or {@link UnknownDatasetError}) naming the field and the fix.
 */
export function validateSpec(spec: unknown): ExperimentSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InvalidSpecError('', spec, `An experiment spec is a JSON object, got ${JSON.stringify(spec)}.`);
  }
  const s = spec as Record<string, unknown>;
  if (s.format !== SPEC_FORMAT) {
    throw new InvalidSpecError(
      'format',
      s.format,
      `format: must be '${SPEC_FORMAT}', got ${JSON.stringify(s.format)}.`,
    );
  }
  const id = text('id', s.id);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new InvalidSpecError(
      'id',
      id,
      `id: use lower-case letters, digits and '-' (a folder name), got '${id}'.`,
    );
  }
  const task = section(s, 'task');
  if (!TASK_DATASETS.includes(task.dataset as never)) {
    throw unknownDatasetError('task.dataset', task.dataset, TASK_DATASETS);
  }
  const reg = section(s, 'regularization');
  if (!REGULARIZATION_DATASETS.includes(reg.dataset as never)) {
    throw unknownDatasetError('regularization.dataset', reg.dataset, REGULARIZATION_DATASETS);
  }
  const alpha = reg.alpha;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) {
    throw new InvalidSpecError(
      'regularization.alpha',
      alpha,
      `regularization.alpha: α must be a finite number ≥ 0, got ${JSON.stringify(alpha)} (the paper uses 4 or 10).`,
    );
  }
  const th = reg.th;
  if (typeof th !== 'number' || !(th > 0 && th < 1)) {
    throw new InvalidSpecError(
      'regularization.th',
      th,
      `regularization.th: Th must lie strictly between 0 and 1, got ${JSON.stringify(th)} (the paper uses 0.2, 0.4 or 0.8).`,
    );
  }
  const pairRange = oneOf('regularization.pairRange', reg.pairRange, PAIR_RANGES);
  if (pairRange === 'double' && !(typeof reg.th2 === 'number' && reg.th2 > 0 && reg.th2 < th)) {
    throw new InvalidSpecError(
      'regularization.th2',
      reg.th2,
      `regularization.th2: the 'double' pair range needs th2 in (0, th = ${th}), got ${JSON.stringify(reg.th2)}.`,
    );
  }
  const channels = oneOf('task.channels', task.channels, ['grey', 'rgb'] as const);
  const transform = oneOf('regularization.transform', reg.transform, ['none', 'imagenet'] as const);
  if ((reg.dataset === 'imagenet') !== (transform === 'imagenet')) {
    throw new InvalidSpecError(
      'regularization.transform',
      transform,
      "regularization.transform: use 'imagenet' exactly when the regularization data set is 'imagenet'.",
    );
  }
  if (transform === 'imagenet' && channels !== 'grey') {
    throw new InvalidSpecError(
      'task.channels',
      channels,
      "task.channels: the ImageNet regularization transform makes grey images; the task must be 'grey'.",
    );
  }
  const training = section(s, 'training');
  const vf = training.validationFraction;
  if (typeof vf !== 'number' || !(vf > 0 && vf < 1)) {
    throw new InvalidSpecError(
      'training.validationFraction',
      vf,
      `training.validationFraction: must be in (0, 1), got ${JSON.stringify(vf)} (the paper: 0.01).`,
    );
  }
  const evaluation = section(s, 'evaluation');
  if (!Array.isArray(evaluation.attacks) || evaluation.attacks.length === 0) {
    throw new InvalidSpecError(
      'evaluation.attacks',
      evaluation.attacks,
      'evaluation.attacks: list at least one attack, e.g. [{ "kind": "gaussian-noise", "epsilons": { "linspace": [0, 0.5, 10] } }].',
    );
  }
  const attacks = evaluation.attacks.map((a, i) => validateAttack(`evaluation.attacks[${i}]`, a));
  const kinds = attacks.map((a) => a.kind);
  const dup = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (dup) {
    throw new InvalidSpecError(
      'evaluation.attacks',
      dup,
      `evaluation.attacks: '${dup}' is listed twice; list each attack once.`,
    );
  }
  const model = section(s, 'model');
  const figure = section(s, 'figure');
  const validateAugment = (augment: unknown) => {
    const a = augment as { padding?: unknown; flip?: unknown } | null;
    if (
      typeof a !== 'object' ||
      a === null ||
      Object.keys(a).some((k) => k !== 'padding' && k !== 'flip') ||
      !Number.isInteger(a.padding) ||
      (a.padding as number) < 0 ||
      typeof a.flip !== 'boolean'
    ) {
      throw new InvalidSpecError(
        'task.augment',
        augment,
        `task.augment: must be { "padding": integer ≥ 0, "flip": boolean } or absent, got ${JSON.stringify(augment)} ` +
          '(the reference: { "padding": 4, "flip": true } for CIFAR).',
      );
    }
    return { padding: a.padding as number, flip: a.flip };
  };
  return {
    format: SPEC_FORMAT,
    id,
    title: text('title', s.title),
    description: text('description', s.description),
    task: {
      dataset: task.dataset as never,
      channels,
      inputScaling: oneOf('task.inputScaling', task.inputScaling, ['unit', 'reference'] as const),
      ...(task.augment === undefined ? {} : { augment: validateAugment(task.augment) }),
    },
    regularization: {
      dataset: reg.dataset as never,
      selection: oneOf('regularization.selection', reg.selection, REGULARIZATION_SELECTIONS),
      transform,
      alpha,
      th,
      pairRange,
      ...(pairRange === 'double' ? { th2: reg.th2 as number } : {}),
      k: positiveInt('regularization.k', reg.k) as number,
    },
    model: {
      architecture: oneOf('model.architecture', model.architecture, ['resnet18', 'resnet34'] as const),
    },
    training: {
      batchSize: positiveInt('training.batchSize', training.batchSize) as number,
      validationFraction: vf,
      checkpointEverySteps: positiveInt(
        'training.checkpointEverySteps',
        training.checkpointEverySteps,
      ) as number,
    },
    evaluation: { attacks, batchSize: positiveInt('evaluation.batchSize', evaluation.batchSize) as number },
    scale: validateScale(section(s, 'scale')),
    figure: { title: text('figure.title', figure.title), caption: text('figure.caption', figure.caption) },
    ...(s.tuning === undefined ? {} : { tuning: validateTuning(s.tuning) }),
    ...(s.tuned === undefined ? {} : { tuned: validateTuned(s.tuned) }),
  };
}
