import { runReadsAsync } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertLabelRange, assertLiveModel } from './arguments';
import { PACKAGE, CheckpointError, InvalidOptionError } from './errors';
import { evaluateClassifierAsync, evaluateSimilarityAsync } from './evaluate';
import { type ImageSet, ImageStore, type InputScaling, scaleInputs } from './image-set';
import { PairSampler } from './pair-sampler';
import { formatEpoch, ProgressBar } from './progress';
import { deriveSeed, mulberry32, permutation } from './random';
import type { SimilarityRegularizer } from './similarity-regularizer';
import { summarizeSimLossSteps } from './sim-loss-steps';
import { splitPairs, stratifiedHoldOut } from './split';
import { joinKey, type TrainFiles } from './train-files';
import { type ResolvedOptions, resolveOptions } from './train-options';
import type { EpochMetrics, RegularizationData, TrainOptions, TrainResult } from './trainer-types';
import { checkpointExists, disposeOptimizer, emptySums, type ResumeMetadata, restore } from './trainer-state';
import { targetsOf } from './targets';
import { type StepResult, trainStepReads } from './train-step';
import { yieldToEventLoop } from './yield-to-event-loop';

export type { EpochMetrics, RegularizationData, StepInfo, TrainOptions, TrainResult } from './trainer-types';

const EPOCH_STREAM = 0xe90c;
const HOLDOUT_STREAM = 0x401d;
const PAIR_STREAM = 0x9a15;
const AUGMENT_STREAM = 0xa06e;

/**
 * Trains a classifier with the paper's protocol: each step one classification batch (64) and one
 * batch of k pairs (16), one SGD-momentum step on `L_task + α·L_sim` (network weights and the tap
 * weights `w`), cyclic step decay per epoch, a stratified validation hold-out with a best-validation
 * checkpoint, per-epoch metrics in the result and a progress bar, and exact resume from the last
 * checkpoint. Works with any `tf.LayersModel` and any data in the {@link ImageSet} form.
 *
 * Universal (browsers, web workers, Node): it never touches a file system. Checkpoints go to the
 * `checkpoint` store you pass ({@link memoryCheckpointStore} or your own {@link CheckpointStore}). In
 * Node, `train` from `@pixsim/regularizer/node` is this function with files: checkpoint folders by
 * default and a JSON-lines `metricsFile`.
 *
 * `seed` draws the hold-out, the batch order, the pairs and the augmentation, not the model's initial
 * weights (tfjs draws those when the model is built): seed them with `initializeLikePyTorch(model, seed)`
 * of `@pixsim/models` to get the same numbers twice.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { initializeLikePyTorch } from '@pixsim/models';
 * import { memoryCheckpointStore, SimilarityRegularizer, thresholdedPixelTargets, train } from '@pixsim/regularizer';
 *
 * // trainSet: { images: Uint8Array (pixels 0–255), shape: [N, 28, 28, 1], labels: Int32Array };
 * // regSet: the regularization images, { images, shape } in the same form.
 * const input = tfl.input({ shape: [28, 28, 1] });
 * const conv = tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input);
 * const pooled = tfl.layers.globalAveragePooling2d({}).apply(conv);
 * const logits = tfl.layers.dense({ units: 10, name: 'logits' }).apply(pooled) as tfl.SymbolicTensor;
 * const model = tfl.model({ inputs: input, outputs: logits });
 * initializeLikePyTorch(model, 1); // seeded initial weights
 *
 * const targets = thresholdedPixelTargets(regSet, { th: 0.2 }); // S^Th and its pairs
 * const regularizer = new SimilarityRegularizer({ model, taps: ['conv'] });
 * const result = await train({
 *   model, regularizer, train: trainSet, regularization: { images: regSet, targets },
 *   alpha: 0.1, epochs: 3, seed: 1, learningRate: 0.01,
 *   checkpointDir: 'mnist', checkpoint: memoryCheckpointStore(), restoreBest: true,
 * });
 * console.log(result.history.at(-1)?.validationAccuracy, result.inputScaling); // evaluate with that scaling
 * ```
 * @throws {@link InvalidOptionError} for invalid options, including `metricsFile`, or `checkpointDir`
 * without a `checkpoint` store (both need the Node entry).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  return trainWith(options, null);
}

/**
 * {@link train} on the file system `files` (the Node entry's), or on none (`null`).
 *
 * @internal
 */
export async function trainWith(
  options: TrainOptions & { metricsFile?: string },
  files: TrainFiles | null,
): Promise<TrainResult> {
  const fn = 'train';
  const o = resolveOptions(options, files);
  const { model, regularizer } = options;
  assertLiveModel(fn, 'model', model);
  // Disk locations are checked before any work, not at the first save an epoch later.
  if (files && o.metricsFile) files.assertWritableFile(fn, 'metricsFile', o.metricsFile);
  if (files && o.checkpointDir && options.checkpoint == null) {
    files.assertWritableFolder(fn, 'checkpointDir', o.checkpointDir);
  }
  // Every read of train() is asynchronous (await data()): it trains on every engine, webgpu in Node included.
  const trainSet = await ImageStore.createAsync(options.train, 'train');
  if (!trainSet.labels)
    throw new InvalidOptionError(PACKAGE, `${fn}: train.labels are required for classification.`);
  assertLabelRange(fn, model, o.taskLoss, trainSet.labels);
  let trainIdx: Int32Array;
  let valStore: ImageStore | null = null;
  let valIdx: Int32Array | null = null;
  if (options.validation) {
    valStore = await ImageStore.createAsync(options.validation, 'validation');
    if (valStore.labels) assertLabelRange(fn, model, o.taskLoss, valStore.labels);
    valIdx = Int32Array.from({ length: valStore.n }, (_, i) => i);
    trainIdx = Int32Array.from({ length: trainSet.n }, (_, i) => i);
  } else {
    const split = stratifiedHoldOut(
      trainSet.labels,
      o.validationFraction,
      deriveSeed(o.seed, HOLDOUT_STREAM),
    );
    trainIdx = split.train;
    if (split.validation.length > 0) {
      valStore = trainSet;
      valIdx = split.validation;
    }
  }
  if (trainIdx.length === 0)
    throw new InvalidOptionError(PACKAGE, `${fn}: no training images left after the hold-out.`);

  // Regularization pairs: a seeded held-out subset for the metrics, the rest for the sampler.
  let regStore: ImageStore | null = null;
  let sampler: PairSampler | null = null;
  let heldOut: Int32Array | null = null;
  const reg = options.regularization;
  if (reg) {
    if (!regularizer)
      throw new InvalidOptionError(PACKAGE, `${fn}: regularization data was given without a regularizer.`);
    regStore = await ImageStore.createAsync(reg.images, 'regularization.images');
    if (regStore.n !== reg.targets.n) {
      throw new InvalidOptionError(
        PACKAGE,
        `${fn}: ${regStore.n} regularization images but targets over ${reg.targets.n}; build the targets from these images.`,
      );
    }
    const split = splitPairs(reg.targets.pairs, options.heldOutPairs, deriveSeed(o.seed, PAIR_STREAM, 1));
    heldOut = split.heldOut;
    sampler = new PairSampler(split.train, {
      batchSize: o.pairBatchSize,
      seed: deriveSeed(o.seed, PAIR_STREAM),
    });
  } else if (o.alpha > 0) {
    throw new InvalidOptionError(
      PACKAGE,
      `${fn}: alpha > 0 needs regularization: { images, targets } and a regularizer.`,
    );
  }

  const optimizer = tf.train.momentum(o.schedule(0), o.momentum);
  const stepsPerEpoch = Math.ceil(trainIdx.length / o.batchSize);
  const fingerprint = [
    trainIdx.length,
    stepsPerEpoch,
    o.batchSize,
    o.pairBatchSize,
    o.seed,
    o.alpha,
    sampler?.pairCount ?? 0,
    o.pairPasses,
    typeof o.inputScaling === 'function' ? 'custom' : o.inputScaling,
  ].join('/');
  const variables = [
    ...model.trainableWeights.map((w) => w.read() as tf.Variable),
    ...(o.alpha > 0 && regularizer ? regularizer.trainableVariables : []),
  ];
  const heldOutEval = async () =>
    heldOut && regularizer && regStore && reg
      ? evaluateSimilarityAsync(regularizer, regStore, reg.targets, heldOut, {
          inputScaling: o.inputScaling,
          batchSize: o.evalBatchSize,
        })
      : null;

  let state: ResumeMetadata = {
    format: 'pixsim-trainer-1',
    epoch: 0,
    stepInEpoch: 0,
    globalStep: 0,
    sampler: sampler?.getState() ?? null,
    bestEpoch: null,
    bestValidationLoss: null,
    history: [],
    sums: emptySums(),
    initialHeldOutCorrelation: null,
    fingerprint,
  };
  const join = files?.join ?? joinKey;
  const lastDir = o.checkpointDir ? join(o.checkpointDir, 'last') : null;
  const bestDir = o.checkpointDir ? join(o.checkpointDir, 'best') : null;
  // In-memory copy of the best epoch's weights and regularizer state, for restoreBest.
  let best: { weights: tf.Tensor[]; regularizer: tf.NamedTensorMap } | null = null;
  const disposeBest = () => {
    if (best) tf.dispose([...best.weights, ...Object.values(best.regularizer)]);
    best = null;
  };
  try {
    if (o.resume && lastDir && (await checkpointExists(o.checkpoint!, lastDir, files))) {
      state = await restore(o.checkpoint!, lastDir, model, optimizer, regularizer, fingerprint);
      if (sampler && state.sampler) sampler.setState(state.sampler);
    } else {
      state.initialHeldOutCorrelation = (await heldOutEval())?.correlation ?? null;
    }
    const bar = o.progress ? new ProgressBar(o.progress) : null;
    const save = async (dir: string) => {
      state.sampler = sampler?.getState() ?? null;
      const tensors = regularizer?.getState() ?? {};
      try {
        await o.checkpoint!.save(dir, {
          model,
          optimizer,
          metadata: JSON.parse(JSON.stringify(state)),
          tensors,
        });
      } finally {
        tf.dispose(Object.values(tensors));
      }
    };

    for (; state.epoch < o.epochs; state.epoch++, state.stepInEpoch = 0, state.sums = emptySums()) {
      const epoch = state.epoch;
      const lr = o.schedule(epoch);
      optimizer.setLearningRate(lr);
      const order = permutation(trainIdx.length, deriveSeed(o.seed, EPOCH_STREAM, epoch));
      for (; state.stepInEpoch < stepsPerEpoch; ) {
        // Lets a signal handler (Ctrl-C, a scheduler's SIGTERM) abort the signal between any two steps.
        if (options.signal) await yieldToEventLoop();
        if (state.globalStep >= o.stopAfterSteps || options.signal?.aborted) {
          bar?.finish(`interrupted at epoch ${epoch + 1}, step ${state.stepInEpoch}`);
          return result(state, true, o.inputScaling);
        }
        const s = state.stepInEpoch;
        const idx = new Int32Array(Math.min(o.batchSize, trainIdx.length - s * o.batchSize));
        for (let b = 0; b < idx.length; b++) idx[b] = trainIdx[order[s * o.batchSize + b]];
        const started = performance.now();
        const batch = `epoch ${epoch + 1}, step ${s + 1} (training images ${idx[0]}, ${idx[1] ?? ''}…)`;
        const step = await runStep(
          batch,
          deriveSeed(o.seed, AUGMENT_STREAM, epoch, s),
          o,
          model,
          optimizer,
          trainSet,
          idx,
          regularizer,
          sampler,
          regStore,
          reg,
          variables,
        );
        const sums = state.sums;
        sums.seconds += (performance.now() - started) / 1000;
        sums.task += step.taskLoss * idx.length;
        sums.correct += step.correct;
        sums.seen += idx.length;
        sums.images += idx.length + (step.simLoss === null ? 0 : 2 * o.pairBatchSize);
        if (step.simLoss !== null) {
          sums.sim += step.simLoss;
          sums.simSteps += 1;
          // An older checkpoint has no per-step values: the epoch's distribution then starts at the resume.
          if (!sums.simValues) sums.simValues = [];
          sums.simValues.push(step.simLoss);
        }
        state.stepInEpoch += 1;
        state.globalStep += 1;
        await o.onStep?.({
          epoch,
          step: s,
          globalStep: state.globalStep,
          learningRate: lr,
          taskLoss: step.taskLoss,
          simLoss: step.simLoss,
          accuracy: step.correct / idx.length,
        });
        bar?.update(
          `epoch ${epoch + 1}/${o.epochs}`,
          state.stepInEpoch,
          stepsPerEpoch,
          `loss ${(sums.task / sums.seen).toFixed(4)}${sums.simSteps ? ` L_sim ${(sums.sim / sums.simSteps).toFixed(3)}` : ''} ${(sums.images / sums.seconds).toFixed(0)} img/s`,
        );
        if (
          lastDir &&
          o.checkpointEverySteps &&
          state.globalStep % o.checkpointEverySteps === 0 &&
          state.stepInEpoch < stepsPerEpoch
        ) {
          await save(lastDir);
        }
      }
      const sums = state.sums;
      const val =
        valStore && valIdx
          ? await evaluateClassifierAsync(model, valStore, valIdx, {
              inputScaling: o.inputScaling,
              taskLoss: o.taskLoss,
              batchSize: o.evalBatchSize,
            })
          : null;
      const sim = await heldOutEval();
      const metrics: EpochMetrics = {
        epoch,
        learningRate: lr,
        taskLoss: sums.task / sums.seen,
        simLoss: sums.simSteps ? sums.sim / sums.simSteps : null,
        simLossSteps: summarizeSimLossSteps(sums.simValues ?? []),
        trainAccuracy: sums.correct / sums.seen,
        validationLoss: val?.loss ?? null,
        validationAccuracy: val?.accuracy ?? null,
        heldOutCorrelation: sim?.correlation ?? null,
        heldOutSimLoss: sim?.simLoss ?? null,
        tapWeights: regularizer ? await readTapWeights(regularizer) : null,
        imagesPerSecond: sums.images / sums.seconds,
        steps: stepsPerEpoch,
      };
      state.history.push(metrics);
      if (files && o.metricsFile) files.writeMetrics(o.metricsFile, state.history);
      bar?.finish(formatEpoch(metrics, o.epochs));
      const improved =
        val !== null && (state.bestValidationLoss === null || val.loss < state.bestValidationLoss);
      if (improved) {
        state.bestValidationLoss = val.loss;
        state.bestEpoch = epoch;
        if (o.restoreBest) {
          disposeBest();
          best = {
            weights: model.getWeights().map((w) => tf.clone(w)),
            regularizer: regularizer?.getState() ?? {},
          };
        }
      }
      if (lastDir) {
        // The saved state points at the start of the next epoch.
        const next = { ...state, epoch: epoch + 1, stepInEpoch: 0, sums: emptySums() };
        const current = state;
        state = next;
        if (improved && bestDir) await save(bestDir);
        await save(lastDir);
        state = current;
      }
      await o.onEpochEnd?.(metrics);
    }
    if (o.restoreBest && state.bestEpoch !== null) await restoreBestEpoch();
    return result(state, false, o.inputScaling);
  } finally {
    disposeBest();
    disposeOptimizer(optimizer);
  }

  async function restoreBestEpoch(): Promise<void> {
    const kept = best as { weights: tf.Tensor[]; regularizer: tf.NamedTensorMap } | null;
    if (kept) {
      model.setWeights(kept.weights);
      if (regularizer) await regularizer.setStateAsync(kept.regularizer);
      return;
    }
    // The best epoch predates a resume: read it back from best/.
    if (!bestDir || !(await checkpointExists(o.checkpoint!, bestDir, files))) {
      throw new CheckpointError(
        `train: restoreBest needs the best epoch's weights, but they are neither in memory (best epoch ` +
          `${state.bestEpoch! + 1} came before the resume) nor in ${bestDir ?? '(no checkpointDir)'}. ` +
          'Keep the checkpoint folder of the interrupted run.',
      );
    }
    const loaded = await o.checkpoint!.load(bestDir, { model });
    try {
      if (regularizer) await regularizer.setStateAsync(loaded.tensors);
    } finally {
      tf.dispose(Object.values(loaded.tensors));
    }
  }
}

async function runStep(
  batch: string,
  augmentSeed: number,
  o: ResolvedOptions,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  trainSet: ImageStore,
  idx: Int32Array,
  regularizer: SimilarityRegularizer | undefined,
  sampler: PairSampler | null,
  regStore: ImageStore | null,
  reg: RegularizationData | undefined,
  variables: tf.Variable[],
): Promise<StepResult> {
  const labels = trainSet.labelsOf(idx);
  const useSim = o.alpha > 0 && sampler !== null;
  const pairs = useSim ? sampler!.next() : null;
  const tensors = tf.tidy((): tf.Tensor[] => {
    const images = trainSet.gather(idx);
    const inputs = scaleInputs(
      o.augment ? o.augment(images, mulberry32(augmentSeed)) : images,
      o.inputScaling,
    );
    if (!pairs) return [inputs];
    const k = pairs.length >> 1;
    const first = new Int32Array(k);
    const second = new Int32Array(k);
    for (let p = 0; p < k; p++) {
      first[p] = pairs[2 * p];
      second[p] = pairs[2 * p + 1];
    }
    return [
      inputs,
      scaleInputs(regStore!.gather(first), o.inputScaling),
      scaleInputs(regStore!.gather(second), o.inputScaling),
    ];
  });
  const [inputs, a, b] = tensors as [tf.Tensor, tf.Tensor4D?, tf.Tensor4D?];
  try {
    return await runReadsAsync(
      trainStepReads('trainStep', {
        model,
        optimizer,
        inputs,
        labels,
        regularizer,
        pairs: pairs ? { a: a!, b: b!, targets: targetsOf(reg!.targets, pairs) } : undefined,
        alpha: o.alpha,
        taskLoss: o.taskLoss,
        variables,
        pairPasses: o.pairPasses,
        batch,
      }),
    );
  } finally {
    tf.dispose(tensors);
  }
}

/** `softmax(w)` as numbers (a read only: it changes no weight). */
async function readTapWeights(regularizer: SimilarityRegularizer): Promise<number[]> {
  const weights = regularizer.tapWeights();
  try {
    return Array.from(await weights.data());
  } finally {
    weights.dispose();
  }
}

function result(state: ResumeMetadata, interrupted: boolean, inputScaling: InputScaling): TrainResult {
  return {
    inputScaling,
    history: state.history,
    bestEpoch: state.bestEpoch,
    bestValidationLoss: state.bestValidationLoss,
    steps: state.globalStep,
    interrupted,
    initialHeldOutCorrelation: state.initialHeldOutCorrelation,
  };
}
