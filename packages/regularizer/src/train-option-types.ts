import { describeValue, isOptionsObject } from '@pixsim/core';
import { assertPairTargets } from './arguments';
import { PACKAGE, InvalidOptionError } from './errors';
import type { TrainOptions } from './trainer-types';

const isObject = (x: unknown): x is Record<string, unknown> => isOptionsObject(x);

function optionalBoolean(fn: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be true or false, got ${describeValue(value)}.`,
    );
  }
}

function optionalPath(fn: string, name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: ${name} must be a non-empty path, got ${describeValue(value)}; leave it out to skip it.`,
    );
  }
}

/**
 * Checks the type of every optional field of {@link TrainOptions} that the trainer would otherwise read
 * only later (mid-epoch, at the first save) or coerce silently (`resume: 'yes'`): a wrong one is an
 * {@link InvalidOptionError} naming the field and what it takes, before any tensor is made.
 */
export function assertFieldTypes(fn: string, o: TrainOptions): void {
  optionalBoolean(fn, 'resume', o.resume);
  optionalBoolean(fn, 'restoreBest', o.restoreBest);
  // Only the Node train() takes metricsFile; the universal one refuses it later, naming the Node entry.
  optionalPath(fn, 'metricsFile', (o as { metricsFile?: unknown }).metricsFile);
  optionalPath(fn, 'checkpointDir', o.checkpointDir);
  const v = o.validationFraction;
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: validationFraction must be a number in [0, 1), got ${describeValue(v)}; pass 0 for no hold-out, or a validation set.`,
    );
  }
  const s = o.inputScaling;
  if (s !== undefined && s !== 'reference' && s !== 'unit' && typeof s !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: inputScaling must be 'reference' (5·(x − 0.5)), 'unit' ([0, 1]) or a function, got ${describeValue(s)}.`,
    );
  }
  const t = o.taskLoss;
  if (t !== undefined && t !== 'logits' && t !== 'probabilities' && typeof t !== 'function') {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: taskLoss must be 'logits', 'probabilities' or a function (labels, output) => loss, got ${describeValue(t)}.`,
    );
  }
  const p = o.progress;
  if (p !== undefined && typeof p !== 'boolean' && !(isObject(p) && typeof p.write === 'function')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: progress must be true, false or a stream with write(s), got ${describeValue(p)}.`,
    );
  }
  const c = o.checkpoint;
  if (c !== undefined && !(isObject(c) && typeof c.save === 'function' && typeof c.load === 'function')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: checkpoint must be a store with save(dir, contents) and load(dir, into) (e.g. memoryCheckpointStore()), got ${describeValue(c)}.`,
    );
  }
  const a = o.signal;
  if (a !== undefined && !(isObject(a) && typeof a.aborted === 'boolean')) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: signal must be an AbortSignal (new AbortController().signal), got ${describeValue(a)}.`,
    );
  }
  const h = o.heldOutPairs;
  if (h !== undefined && !(typeof h === 'number' && Number.isInteger(h) && h >= 0)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: heldOutPairs must be an integer ≥ 0, got ${describeValue(h)}.`,
    );
  }
  const g = o.regularizer as unknown;
  if (g !== undefined && !(isObject(g) && 'featureModel' in g && 'trainableVariables' in g)) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: regularizer must be a SimilarityRegularizer built on the model (new SimilarityRegularizer({ model, taps })), got ${describeValue(g)}.`,
    );
  }
  const r = o.regularization;
  if (r !== undefined) {
    if (!isObject(r)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: regularization must be { images, targets } (targets from thresholdedPixelTargets, …), got ${describeValue(r)}.`,
      );
    }
    assertPairTargets(`${fn}: regularization.targets`, r.targets);
  }
  for (const name of ['train', 'validation'] as const) {
    const set = o[name];
    if ((name === 'train' || set !== undefined) && !isObject(set)) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${name} must be an image set { images, shape?, labels }, got ${describeValue(set)}.`,
      );
    }
  }
}
