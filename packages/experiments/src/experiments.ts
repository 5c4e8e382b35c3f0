import { describeValue } from '@pixsim/core';
import { unknownDatasetError, UnknownExperimentError } from './errors';
import {
  type AttackSpec,
  type ExperimentSpec,
  type RegularizationDataset,
  SPEC_FORMAT,
  type ScaleSpec,
  type TaskDataset,
} from './spec';
import { validateSpec } from './validate';

/** The paper's epochs per task (MNIST and Fashion-MNIST 20, CIFAR-10 40, CIFAR-100 60). */
export const PAPER_EPOCHS: Readonly<Record<TaskDataset, number>> = {
  mnist: 20,
  'fashion-mnist': 20,
  cifar10: 40,
  cifar100: 60,
};

const TITLES: Record<RegularizationDataset, string> = {
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  cifar10: 'CIFAR-10',
  cifar100: 'CIFAR-100',
  imagenet: 'ImageNet',
};

/** The paper's scale of an experiment on `task`: width 64, all data, its epochs, N = 5,000, Boundary 1,000 images × 5. */
export function paperScale(task: TaskDataset): ScaleSpec {
  if (typeof task !== 'string' || !Object.hasOwn(PAPER_EPOCHS, task)) {
    throw unknownDatasetError(
      'task',
      typeof task === 'string' ? task : describeValue(task),
      Object.keys(PAPER_EPOCHS),
    );
  }
  return {
    width: 64,
    trainImages: 'all',
    testImages: 'all',
    regularizationImages: 5000,
    epochs: PAPER_EPOCHS[task],
    boundaryImages: 1000,
    boundaryRepeats: 5,
  };
}

/**
 * The full sizes of the optional scale fields (the reductions of a preset are stated against them): the
 * Square Attack and HopSkipJump on 1,000 test images (as the Boundary Attack) at 5,000 queries (AutoAttack's
 * Square budget), the corruptions on every evaluated test image (CIFAR-10-C corrupts all 10,000).
 */
export const FULL_OPTIONAL_SCALE = Object.freeze({
  blackBoxImages: 1000,
  blackBoxQueries: 5000,
  corruptionImages: 'all',
} as const satisfies Partial<ScaleSpec>);

interface Recipe {
  id: string;
  task: TaskDataset;
  reg: RegularizationDataset;
  alpha: number;
  th: number;
  attacks: AttackSpec[];
  title: string;
  description: string;
  caption: string;
  /** Optional scale fields of the recipe's kinds (absent elsewhere, so other specs keep their hash). */
  scale?: Partial<ScaleSpec>;
}

function experiment(r: Recipe): ExperimentSpec {
  const cifar = r.task === 'cifar10' || r.task === 'cifar100';
  return validateSpec({
    format: SPEC_FORMAT,
    id: r.id,
    title: r.title,
    description: r.description,
    task: {
      dataset: r.task,
      channels: 'grey',
      inputScaling: cifar ? 'reference' : 'unit',
      // The reference's CIFAR augmentation (NOTES.md); MNIST tasks have none, and no key (same spec hash).
      ...(cifar ? { augment: { padding: 4, flip: true } } : {}),
    },
    regularization: {
      dataset: r.reg,
      selection: 'first',
      transform: r.reg === 'imagenet' ? 'imagenet' : 'none',
      alpha: r.alpha,
      th: r.th,
      pairRange: 'all',
      k: 16,
    },
    model: { architecture: 'resnet18' },
    training: { batchSize: 64, validationFraction: 0.01, checkpointEverySteps: 200 },
    evaluation: { attacks: r.attacks, batchSize: 250 },
    scale: { ...paperScale(r.task), ...r.scale },
    figure: { title: r.title, caption: r.caption },
  });
}

const gaussian = (stop: number): AttackSpec => ({
  kind: 'gaussian-noise',
  epsilons: { linspace: [0, stop, 10] },
});
const noises = (stop: number): AttackSpec[] => [
  gaussian(stop),
  { kind: 'uniform-noise', epsilons: { linspace: [0, stop, 10] } },
  // The reference's salt-and-pepper grid stops at 0.3 (a flip probability; at 0.5 half the pixels are gone).
  { kind: 'salt-and-pepper-noise', epsilons: { linspace: [0, Math.min(stop, 0.3), 10] } },
];
/** CIFAR-10-C's algorithmic families but saturate (grey images have no saturation), JPEG through sharp. */
const CORRUPTIONS_ON_GREY = [
  'gaussian-noise',
  'shot-noise',
  'impulse-noise',
  'defocus-blur',
  'motion-blur',
  'zoom-blur',
  'brightness',
  'contrast',
  'elastic-transform',
  'pixelate',
  'jpeg-compression',
] as const;
const fgsm: AttackSpec = { kind: 'transferred-fgsm', epsilons: { linspace: [0, 0.02, 10] } };

function pair(task: TaskDataset, reg: RegularizationDataset, alpha: number, th: number): Recipe {
  return {
    id: `noise-${task === 'fashion-mnist' ? 'fashion' : task}-${reg === 'fashion-mnist' ? 'fashion' : reg}`,
    task,
    reg,
    alpha,
    th,
    attacks: noises(0.5),
    title: `${TITLES[task]} regularized by ${TITLES[reg]} (α = ${alpha}, Th = ${th}): random noise`,
    description:
      `ResNet18 classifying ${TITLES[task]}, regularized by ${TITLES[reg]} images, against Gaussian, uniform and ` +
      "salt-and-pepper noise (the paper's 'robustness across data-set combinations', results not shown there).",
    caption: `Accuracy under noise of strength ε on [0, 1] images; shaded: SEM over seeds.`,
  };
}

const RECIPES: Recipe[] = [
  {
    id: 'fig2a',
    task: 'mnist',
    reg: 'mnist',
    alpha: 4,
    th: 0.2,
    attacks: [gaussian(0.5)],
    title: 'Fig. 2a: MNIST regularized by MNIST (α = 4, Th = 0.2)',
    description:
      'ResNet18 classifying MNIST, regularized by MNIST images, against Gaussian noise (paper Fig. 2a).',
    caption: 'Accuracy under Gaussian noise x + ε·N(0, 1) on [0, 1] images; shaded: SEM over seeds.',
  },
  {
    id: 'fig2b',
    task: 'cifar10',
    reg: 'imagenet',
    alpha: 10,
    th: 0.8,
    attacks: [gaussian(0.1)],
    title: 'Fig. 2b: CIFAR-10 regularized by ImageNet (α = 10, Th = 0.8)',
    description:
      'ResNet18 classifying CIFAR-10, regularized by ImageNet images, against Gaussian noise (paper Fig. 2b).',
    caption: 'Accuracy under Gaussian noise x + ε·N(0, 1) on [0, 1] images; shaded: SEM over seeds.',
  },
  {
    id: 'fig2c',
    task: 'cifar100',
    reg: 'imagenet',
    alpha: 10,
    th: 0.8,
    attacks: [gaussian(0.1)],
    title: 'Fig. 2c: CIFAR-100 regularized by ImageNet (α = 10, Th = 0.8)',
    description:
      'ResNet18 classifying CIFAR-100, regularized by ImageNet images, against Gaussian noise (paper Fig. 2c).',
    caption: 'Accuracy under Gaussian noise x + ε·N(0, 1) on [0, 1] images; shaded: SEM over seeds.',
  },
  {
    id: 'fig3a',
    task: 'cifar10',
    reg: 'imagenet',
    alpha: 10,
    th: 0.8,
    attacks: [fgsm],
    title: 'Fig. 3a: CIFAR-10 regularized by ImageNet (α = 10, Th = 0.8), transferred FGSM',
    description:
      'ResNet18 classifying CIFAR-10, regularized by ImageNet images, against FGSM transferred from an ' +
      'unregularized ResNet18 trained with another seed (paper Fig. 3a).',
    caption: 'Accuracy under transferred FGSM of L∞ size ε on [0, 1] images; shaded: SEM over seeds.',
  },
  {
    id: 'fig3b',
    task: 'cifar10',
    reg: 'cifar10',
    alpha: 10,
    th: 0.8,
    attacks: [fgsm],
    title: 'Fig. 3b: CIFAR-10 regularized by CIFAR-10 (α = 10, Th = 0.8), transferred FGSM',
    description:
      'ResNet18 classifying CIFAR-10, regularized by CIFAR-10 images, against FGSM transferred from an ' +
      'unregularized ResNet18 trained with another seed (paper Fig. 3b).',
    caption: 'Accuracy under transferred FGSM of L∞ size ε on [0, 1] images; shaded: SEM over seeds.',
  },
  {
    id: 'boundary',
    task: 'cifar10',
    reg: 'cifar10',
    alpha: 10,
    th: 0.8,
    attacks: [{ kind: 'boundary', steps: 50 }],
    title: 'Boundary Attack: CIFAR-10 regularized by CIFAR-10 (α = 10, Th = 0.8)',
    description:
      'The decision-based Boundary Attack (50 steps) on random test images; score: the median squared L2 ' +
      'distance per pixel over successful images, averaged over repeats (the paper mentions it, results not shown).',
    caption:
      'Median squared L2 perturbation per pixel found by the Boundary Attack (higher is more robust); bars: SEM over seeds.',
  },
  {
    id: 'blackbox',
    task: 'cifar10',
    reg: 'cifar10',
    alpha: 10,
    th: 0.8,
    attacks: [
      {
        kind: 'square',
        threats: [
          { norm: 'linf', epsilon: 8 / 255 },
          { norm: 'l2', epsilon: 0.5 },
        ],
      },
      { kind: 'hop-skip-jump', threats: [{ norm: 'l2', epsilon: 0.5 }] },
      { kind: 'corruptions', families: CORRUPTIONS_ON_GREY, severities: [1, 2, 3, 4, 5] },
      { kind: 'boundary', steps: 50 },
    ],
    scale: FULL_OPTIONAL_SCALE,
    title: 'Black-box attacks and corruptions: CIFAR-10 regularized by CIFAR-10 (α = 10, Th = 0.8)',
    description:
      'The models of fig3b and boundary against the score-based Square Attack (L∞ 8/255, L2 0.5) and the ' +
      'decision-based HopSkipJump (L2) at a query budget, the Boundary Attack (50 steps), and the common ' +
      'corruptions of CIFAR-10-C (11 algorithmic families × 5 severities; mCE relative to the unregularized model).',
    caption:
      'Robust accuracy against queries (Square), median L2 distance against queries (HopSkipJump), the Boundary ' +
      'score, and accuracy per corruption and severity; shaded and bars: SEM over seeds.',
  },
  pair('mnist', 'mnist', 4, 0.2),
  pair('mnist', 'fashion-mnist', 10, 0.8),
  pair('fashion-mnist', 'mnist', 10, 0.4),
  pair('fashion-mnist', 'fashion-mnist', 10, 0.8),
];

/** Every shipped experiment, by id, at the paper's scale. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentSpec>> = Object.freeze(
  Object.fromEntries(RECIPES.map((r) => [r.id, experiment(r)])),
);

/** The shipped experiment `id` (a deep copy), or an {@link UnknownExperimentError}. */
export function getExperiment(id: string): ExperimentSpec {
  // Own keys only: 'constructor' or 'toString' are not experiments.
  const spec = typeof id === 'string' && Object.hasOwn(EXPERIMENTS, id) ? EXPERIMENTS[id] : undefined;
  if (!spec)
    throw new UnknownExperimentError(
      typeof id === 'string' ? id : describeValue(id),
      Object.keys(EXPERIMENTS),
    );
  return structuredClone(spec);
}
