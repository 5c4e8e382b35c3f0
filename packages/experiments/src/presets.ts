import { describeValue } from '@pixsim/core';
import { InvalidPresetError, UnknownPresetError } from './errors';
import { type ScaleSpec, TASK_DATASETS, type TaskDataset } from './spec';
import { positiveInt } from './spec-fields';
import { learningRateScheduleOf } from './validate';

/** Scale fields a preset may override (all optional). */
export type ScaleOverrides = Partial<ScaleSpec>;

/**
 * A preset scales an experiment without changing its science: it overrides only {@link ScaleSpec}
 * fields (width, data sizes, epochs, Boundary-Attack images and repeats, the learning-rate schedule, the
 * black-box and corruption sizes), for every experiment (`scale`) and per task data set (`byTask`, applied
 * after `scale`). The optional fields (`blackBoxImages`, `blackBoxQueries`, `corruptionImages`) apply only to
 * specs that have them (the specs whose evaluations read them). Plain JSON, so users can write their own.
 */
export interface Preset {
  readonly name: string;
  readonly description: string;
  /** Seeds `reproduce` runs when no `--seeds` are given. */
  readonly seeds: readonly number[];
  readonly scale?: ScaleOverrides;
  readonly byTask?: Readonly<Partial<Record<TaskDataset, ScaleOverrides>>>;
  /**
   * Whether runs may use the Tiny-ImageNet stand-in (`../shared/data/tiny-imagenet-5k`) when no ImageNet
   * folder is given. Results and figures say so.
   */
  readonly imagenetStandIn: boolean;
}

/** The shipped presets. Run times measured on the 2-core development machine are in the README. */
export const PRESETS: Readonly<Record<string, Preset>> = Object.freeze({
  paper: {
    name: 'paper',
    description:
      "The paper's scale: width 64, all training and test images, its epochs (MNIST 20, CIFAR-10 40, " +
      'CIFAR-100 60), N = 5,000, Boundary Attack on 1,000 images × 5 repeats, 7 seeds. Meant for a GPU, by ' +
      'either route: --backend tensorflow with @tensorflow/tfjs-node-gpu (CUDA), or --backend webgpu ' +
      '(tfjs-backend-webgpu on Dawn, the webgpu package: Vulkan/Metal/D3D12, no CUDA).',
    seeds: [1, 2, 3, 4, 5, 6, 7],
    imagenetStandIn: false,
  },
  cpu: {
    name: 'cpu',
    description:
      'Reduced for 2 CPU cores: width 8, N = 2,000, fewer epochs and training images; one seed of fig2a in ' +
      'about 20 minutes, a CIFAR figure in about 40. May use the Tiny-ImageNet stand-in.',
    seeds: [1, 2, 3],
    scale: {
      width: 8,
      regularizationImages: 2000,
      boundaryImages: 200,
      boundaryRepeats: 2,
      blackBoxImages: 100,
      blackBoxQueries: 1000,
      corruptionImages: 500,
    },
    byTask: {
      mnist: { trainImages: 20000, epochs: 4 },
      'fashion-mnist': { trainImages: 20000, epochs: 4 },
      cifar10: { epochs: 8, testImages: 5000 },
      cifar100: { epochs: 8, testImages: 5000 },
    },
    imagenetStandIn: true,
  },
  'cpu-5k': {
    name: 'cpu-5k',
    description:
      'The cpu preset on half of its CIFAR training images (5,000 of the 10,000), so a 3 α × 3 Th × 2-seed ' +
      'tune grid of a CIFAR experiment fits a 2-core session (about 70 minutes for fig3b with --jobs 2); same ' +
      'width 8, N = 2,000, 8 epochs (so the same learning-rate decays), 5,000 test images. MNIST and ' +
      'Fashion-MNIST as in cpu. May use the Tiny-ImageNet stand-in.',
    seeds: [3, 4, 5],
    scale: {
      width: 8,
      regularizationImages: 2000,
      boundaryImages: 200,
      boundaryRepeats: 2,
      blackBoxImages: 100,
      blackBoxQueries: 1000,
      corruptionImages: 500,
    },
    byTask: {
      mnist: { trainImages: 20000, epochs: 4 },
      'fashion-mnist': { trainImages: 20000, epochs: 4 },
      cifar10: { trainImages: 5000, epochs: 8, testImages: 5000 },
      cifar100: { trainImages: 5000, epochs: 8, testImages: 5000 },
    },
    imagenetStandIn: true,
  },
  quick: {
    name: 'quick',
    description:
      "The repository's main job: width 8, 12,000 training images, 2 epochs, N = 1,000, 2,000 test images, " +
      '2 seeds — about 10 minutes for fig2a on 2 CPU cores.',
    seeds: [1, 2],
    scale: {
      width: 8,
      trainImages: 12000,
      testImages: 2000,
      regularizationImages: 1000,
      epochs: 2,
      boundaryImages: 100,
      boundaryRepeats: 1,
      blackBoxImages: 50,
      blackBoxQueries: 500,
      corruptionImages: 200,
    },
    imagenetStandIn: true,
  },
  smoke: {
    name: 'smoke',
    description:
      'Seconds per cell, for tests: width 2, 320 training images, 1 epoch, N = 48, 100 test images, ' +
      'Boundary Attack on 6 images once. Checks the pipeline, not the science.',
    seeds: [1, 2],
    scale: {
      width: 2,
      trainImages: 320,
      testImages: 100,
      regularizationImages: 48,
      epochs: 1,
      boundaryImages: 6,
      boundaryRepeats: 1,
      blackBoxImages: 4,
      blackBoxQueries: 50,
      corruptionImages: 8,
    },
    imagenetStandIn: true,
  },
});

const SCALE_KEYS: readonly (keyof ScaleSpec)[] = [
  'width',
  'trainImages',
  'testImages',
  'regularizationImages',
  'epochs',
  'boundaryImages',
  'boundaryRepeats',
  'learningRateSchedule',
  'blackBoxImages',
  'blackBoxQueries',
  'corruptionImages',
];

function validateOverrides(name: string, field: string, o: unknown): ScaleOverrides {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new InvalidPresetError(
      name,
      field,
      `preset '${name}': ${field} must be an object of scale overrides.`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (!SCALE_KEYS.includes(key as keyof ScaleSpec)) {
      throw new InvalidPresetError(
        name,
        `${field}.${key}`,
        `preset '${name}': ${field}.${key} is not a scale setting. A preset may only change ${SCALE_KEYS.join(', ')}; ` +
          'to change the science (α, Th, data sets, attacks, grids) write a new experiment spec.',
      );
    }
    try {
      if (key === 'learningRateSchedule') {
        // Kept as given ('paper' too): a preset's 'paper' overrides a spec's 'proportional'.
        out[key] = learningRateScheduleOf(`${field}.${key}`, value).learningRateSchedule ?? 'paper';
        continue;
      }
      const all = key === 'trainImages' || key === 'testImages' || key === 'corruptionImages';
      out[key] = positiveInt(`${field}.${key}`, value, all);
    } catch (error) {
      throw new InvalidPresetError(name, `${field}.${key}`, `preset '${name}': ${(error as Error).message}`);
    }
  }
  return out as ScaleOverrides;
}

/** Checks a user preset (e.g. read from JSON) and returns it typed; faults are {@link InvalidPresetError}s. */
export function validatePreset(preset: unknown): Preset {
  if (typeof preset !== 'object' || preset === null) {
    throw new InvalidPresetError(
      '?',
      '',
      `A preset is a JSON object { name, description, seeds, scale?, byTask? }.`,
    );
  }
  const p = preset as Record<string, unknown>;
  const name = p.name;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new InvalidPresetError(
      String(name),
      'name',
      `preset name must be lower-case letters, digits and '-', got ${JSON.stringify(name)}.`,
    );
  }
  const seeds = p.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new InvalidPresetError(
      name,
      'seeds',
      `preset '${name}': seeds must be a non-empty list of integers ≥ 0.`,
    );
  }
  const byTask: Partial<Record<TaskDataset, ScaleOverrides>> = {};
  if (p.byTask !== undefined) {
    if (typeof p.byTask !== 'object' || p.byTask === null) {
      throw new InvalidPresetError(
        name,
        'byTask',
        `preset '${name}': byTask must map task data sets to scale overrides.`,
      );
    }
    for (const [task, o] of Object.entries(p.byTask)) {
      if (!TASK_DATASETS.includes(task as TaskDataset)) {
        throw new InvalidPresetError(
          name,
          `byTask.${task}`,
          `preset '${name}': byTask.${task} is not a task data set (${TASK_DATASETS.join(', ')}).`,
        );
      }
      byTask[task as TaskDataset] = validateOverrides(name, `byTask.${task}`, o);
    }
  }
  return {
    name,
    description: typeof p.description === 'string' ? p.description : '',
    seeds: [...seeds],
    scale: validateOverrides(name, 'scale', p.scale),
    byTask,
    imagenetStandIn: p.imagenetStandIn === true,
  };
}

/** The shipped preset `name`, or an {@link UnknownPresetError}. */
export function getPreset(name: string): Preset {
  // Own keys only: 'constructor' or 'hasOwnProperty' are not presets.
  const preset = typeof name === 'string' && Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset) {
    throw new UnknownPresetError(typeof name === 'string' ? name : describeValue(name), Object.keys(PRESETS));
  }
  return structuredClone(preset);
}
