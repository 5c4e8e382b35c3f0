// Shared set-up of the bench tasks: the tfjs engine, the model on each engine, the evaluation data.
import { type Classifier, createClassifier, scaleShift, toGrey } from '@pixsim/attacks';
import { initWasmThreads } from '@pixsim/backend/node';
import { cifar10, findDataFolder } from '@pixsim/datasets';
import { resnet18 } from '@pixsim/models';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createOnnxModel } from '../src/index';
import { randomizeBatchNorms } from '../src/test-helpers';

/**
 * `tfjs-wasm`: the tfjs model. `onnxruntime`: `createOnnxModel`, whose classifier evaluates plain values
 * (`predictValues`). `onnxruntime-tensors`: the same session seen through tensors only (`predict` in a
 * function), the route every attack took before the plain-values path.
 */
export type Engine = 'tfjs-wasm' | 'onnxruntime' | 'onnxruntime-tensors';

/** Starts the tfjs side (before any model is built): wasm with `threads` threads for tfjs, one for onnx. */
export async function startBackend(engine: Engine, threads: number): Promise<void> {
  if (engine === 'tfjs-wasm' && threads > 1) await initWasmThreads({ threads });
  else await tf.setBackend('wasm');
}

/** The model on `engine`, as something `createClassifier` takes, and its disposal. */
export async function onEngine(engine: Engine, threads: number, model: tfl.LayersModel) {
  if (engine === 'tfjs-wasm') {
    return { model: model as { predict(x: tf.Tensor): tf.Tensor }, dispose: async () => {} };
  }
  const onnx = await createOnnxModel(model, { threads });
  const viaTensors = { predict: (x: tf.Tensor) => onnx.predict(x) };
  return { model: engine === 'onnxruntime' ? onnx : viaTensors, dispose: () => onnx.dispose() };
}

function cifarFolder(): string {
  const dir = findDataFolder('cifar10');
  if (dir == null) {
    throw new Error(
      'bench: CIFAR-10 not found; set PIXSIM_DATA_DIR to a folder holding cifar-10-batches-bin/.',
    );
  }
  return dir;
}

/** The grey CIFAR ResNet18 (w = 16) of the earlier figures, its classifier (toGrey on RGB), the first `n` test images. */
export async function greyResnet16(engine: Engine, threads: number, n: number) {
  await startBackend(engine, threads);
  const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 16, seed: 2 });
  randomizeBatchNorms(model, 2);
  const m = await onEngine(engine, threads, model);
  const { test } = await cifar10(cifarFolder());
  const indices = Array.from({ length: Math.min(n, test.size) }, (_, i) => i);
  const clf = createClassifier(m.model, { preprocess: [toGrey(), scaleShift(5, 0.5)] });
  return {
    m,
    clf,
    images: test.toTensor(indices, { scale: 'unit' }),
    labels: test.labels.slice(0, indices.length),
  };
}

/**
 * The model of fig2b / fig3b under the `cpu` preset: ResNet18 (CIFAR variant) at width 8 on grey 32×32
 * CIFAR-10 images in [0, 1], preprocessing 5·(x − 0.5). Its batch norms get trained-like statistics, and the
 * dense layer's bias is centred on 500 test images so that predictions vary between images (an untrained
 * ResNet predicts one class for every image, which leaves HopSkipJump nothing to start from).
 */
export async function fig2bSetup(
  engine: Engine,
  threads: number,
  n: number,
): Promise<{ clf: Classifier; images: tf.Tensor4D; labels: Int32Array; dispose: () => Promise<void> }> {
  await startBackend(engine, threads);
  const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width: 8, seed: 2 });
  randomizeBatchNorms(model, 2);
  const { test } = await cifar10(cifarFolder());
  const grey = (count: number) =>
    test.toTensor(
      Array.from({ length: Math.min(count, test.size) }, (_, i) => i),
      { scale: 'unit', grey: 'luma' },
    );
  const sample = grey(500);
  const dense = model.layers[model.layers.length - 1];
  const [kernel, bias] = dense.getWeights();
  const centred = tf.tidy(() =>
    tf.sub(bias, tf.mean(model.predict(tf.mul(tf.sub(sample, 0.5), 5)) as tf.Tensor, 0)),
  );
  dense.setWeights([kernel, centred]);
  tf.dispose([sample, centred]);
  const m = await onEngine(engine, threads, model);
  const images = grey(n);
  const clf = createClassifier(m.model, { preprocess: scaleShift(5, 0.5), numClasses: 10 });
  return {
    clf,
    images,
    labels: test.labels.slice(0, images.shape[0]),
    dispose: async () => {
      images.dispose();
      await m.dispose();
      model.dispose();
    },
  };
}
