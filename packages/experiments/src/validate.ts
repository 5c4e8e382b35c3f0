import { InvalidSpecError, type UnknownDatasetError, unknownDatasetError } from './errors';
import { oneOf, positiveInt, section, text } from './spec-fields';
import {
  EVALUATION_KINDS,
  evaluationKind,
  OPTIONAL_SCALE_KEYS,
  scaleKeysOf,
  validateAttack,
} from './kinds/registry';
import {
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

export { positiveInt } from './spec-fields';

const PAIR_RANGES = ['all', 'high', 'low', 'positive', 'negative', 'double'] as const;

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
    ...optionalScale(scale, prefix),
  };
}

/** `{ learningRateSchedule: 'proportional' }`, or `{}` for `'paper'` and absent (today's spec hash). */
export function learningRateScheduleOf(field: string, v: unknown): Pick<ScaleSpec, 'learningRateSchedule'> {
  if (v === undefined) return {};
  const schedule = oneOf(field, v, LEARNING_RATE_SCHEDULES);
  return schedule === 'paper' ? {} : { learningRateSchedule: schedule };
}

/** The optional scale fields (`blackBoxImages`…): each kept only when given. */
function optionalScale(scale: Record<string, unknown>, prefix: string): Partial<ScaleSpec> {
  const out: Record<string, number | 'all'> = {};
  for (const key of OPTIONAL_SCALE_KEYS) {
    if (scale[key] !== undefined)
      out[key] = positiveInt(`${prefix}.${key}`, scale[key], key === 'corruptionImages');
  }
  return out;
}

/**
 * The optional scale fields must be present exactly when a kind that reads them is: a missing one has no
 * value to run with, an unused one would change the spec hash for nothing.
 */
function checkScaleKeys(attacks: readonly AttackSpec[], scale: ScaleSpec): void {
  const used = scaleKeysOf(attacks);
  for (const key of OPTIONAL_SCALE_KEYS) {
    if (used.has(key) && scale[key] === undefined) {
      const kinds = attacks.filter((a) => evaluationKind(a.kind).scaleKeys.includes(key)).map((a) => a.kind);
      throw new InvalidSpecError(
        `scale.${key}`,
        undefined,
        `scale.${key}: the '${kinds[0]}' evaluation reads it; give it (a positive integer${key === 'corruptionImages' ? " or 'all'" : ''}) in the spec's scale.`,
      );
    }
    if (!used.has(key) && scale[key] !== undefined) {
      throw new InvalidSpecError(
        `scale.${key}`,
        scale[key],
        `scale.${key}: no evaluation of this spec reads it; remove it (only ${[...OPTIONAL_SCALE_OWNERS[key]].join(' and ')} use it).`,
      );
    }
  }
}

const OPTIONAL_SCALE_OWNERS: Record<(typeof OPTIONAL_SCALE_KEYS)[number], string[]> = Object.fromEntries(
  OPTIONAL_SCALE_KEYS.map((key) => [
    key,
    EVALUATION_KINDS.filter((k) => k.scaleKeys.includes(key)).flatMap((k) =>
      k.names.map((n: string) => `'${n}'`),
    ),
  ]),
) as never;

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
  const attacks = evaluation.attacks.map((a, i) =>
    validateAttack(`evaluation.attacks[${i}]`, a, { channels }),
  );
  const kinds = attacks.map((a) => a.kind);
  const dup = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (dup) {
    throw new InvalidSpecError(
      'evaluation.attacks',
      dup,
      `evaluation.attacks: '${dup}' is listed twice; list each attack once.`,
    );
  }
  const scale = validateScale(section(s, 'scale'));
  checkScaleKeys(attacks, scale);
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
    scale,
    figure: { title: text('figure.title', figure.title), caption: text('figure.caption', figure.caption) },
    ...(s.tuning === undefined ? {} : { tuning: validateTuning(s.tuning) }),
    ...(s.tuned === undefined ? {} : { tuned: validateTuned(s.tuned) }),
  };
}
