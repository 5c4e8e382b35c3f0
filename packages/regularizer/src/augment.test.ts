import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { randomCropFlip, resolveAugmentation } from './augment';
import { memoryCheckpointStore } from './checkpoint';
import { InvalidOptionError, ShapeMismatchError } from './errors';
import { mulberry32 } from './random';
import { train } from './trainer';

/** A stream that returns `values` in order. */
const scripted = (values: number[]) => {
  let i = 0;
  return () => values[i++];
};

/** One 4×4 grey image holding 0…15 row by row. */
const counting = () =>
  tf.tensor4d(
    Array.from({ length: 16 }, (_, i) => i),
    [1, 4, 4, 1],
  );

describe('randomCropFlip', () => {
  it('crops the reflect-padded image at the drawn offset: hand-computed 4×4 case', () => {
    const image = counting();
    const start = tf.memory().numTensors;
    // padding 1: row offset floor(0·3) − 1 = −1, column offset floor(0.99·3) − 1 = +1, no flip (0.7 ≥ ½).
    const out = randomCropFlip(image, { padding: 1, flip: true }, scripted([0, 0.99, 0.7]));
    // rows reflect(y − 1) = 1, 0, 1, 2; columns reflect(x + 1) = 1, 2, 3, 2 (the edge is not repeated).
    expect(Array.from(out.dataSync())).toEqual([5, 6, 7, 6, 1, 2, 3, 2, 5, 6, 7, 6, 9, 10, 11, 10]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(start);
    image.dispose();
  });

  it('flips the cropped window left–right, channels moving together', () => {
    const rgb = tf.tidy(() => tf.concat([counting(), tf.mul(counting(), 100), tf.neg(counting())], 3));
    // offsets 0, 0 (floor(0.5·3) − 1), flip (0.2 < ½)
    const out = randomCropFlip(rgb as tf.Tensor4D, { padding: 1, flip: true }, scripted([0.5, 0.5, 0.2]));
    const v = out.arraySync()[0];
    expect(v[0].map((px) => px[0])).toEqual([3, 2, 1, 0]);
    expect(v[2].map((px) => px[1])).toEqual([1100, 1000, 900, 800]);
    expect(v[3].map((px) => px[2])).toEqual([-15, -14, -13, -12]);
    tf.dispose([rgb, out]);
  });

  it('padding 0 without flips is the identity; offsets cover [−p, p] uniformly and flips are about half', () => {
    const images = tf.randomUniform([3, 5, 5, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const same = randomCropFlip(images, { padding: 0, flip: false }, mulberry32(1));
    expect(Array.from(same.dataSync())).toEqual(Array.from(images.dataSync()));
    tf.dispose([images, same]);
    // The draws themselves: 3,000 images of 4×4 with padding 2 → offsets −2…2.
    const draws: number[] = [];
    const random = mulberry32(7);
    const recording = () => {
      const r = random();
      draws.push(r);
      return r;
    };
    const batch = tf.zeros([3000, 4, 4, 1]) as tf.Tensor4D;
    randomCropFlip(batch, { padding: 2, flip: true }, recording).dispose();
    batch.dispose();
    expect(draws).toHaveLength(9000);
    const counts = new Array(5).fill(0);
    let flips = 0;
    for (let n = 0; n < 3000; n++) {
      counts[Math.floor(draws[3 * n] * 5)]++;
      if (draws[3 * n + 2] < 0.5) flips++;
    }
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(90);
    expect(Math.abs(flips - 1500)).toBeLessThan(150);
  });

  it('rejects bad options and paddings with typed errors, leaking nothing', () => {
    const image = counting();
    const start = tf.memory().numTensors;
    expect(() => randomCropFlip(image, { padding: 4, flip: false }, mulberry32(1))).toThrow(
      ShapeMismatchError,
    );
    for (const bad of [
      'crop',
      { padding: -1, flip: true },
      { padding: 1.5, flip: true },
      { padding: 2 },
      null,
      3,
    ]) {
      expect(() => resolveAugmentation('train', bad)).toThrow(InvalidOptionError);
    }
    expect(resolveAugmentation('train', undefined)).toBeNull();
    expect(resolveAugmentation('train', false)).toBeNull();
    const wrongShape = resolveAugmentation('train', (x: tf.Tensor4D) =>
      tf.slice(x, [0, 0, 0, 0], [1, 2, 2, 1]),
    );
    expect(() => tf.tidy(() => wrongShape!(image, mulberry32(1)))).toThrow(ShapeMismatchError);
    expect(tf.memory().numTensors).toBe(start);
    image.dispose();
  });
});

/** A tiny CNN on 8×8 grey images. */
function tinyModel(): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: s });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, kernelInitializer: init(1) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
}

describe('train with augment', () => {
  const n = 40;
  const images = Uint8Array.from({ length: n * 64 }, (_, i) => ((i * 37) % 251) + (i % 64 < 32 ? 0 : 4));
  const data = { images, shape: [n, 8, 8, 1], labels: Int32Array.from({ length: n }, (_, i) => i % 2) };
  const common = {
    train: data,
    epochs: 2,
    seed: 3,
    batchSize: 8,
    learningRate: 0.05,
    progress: false,
  } as const;
  const weights = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

  it('changes the batches, and a resumed run sees exactly the images of an uninterrupted one', async () => {
    const start = tf.memory().numTensors;
    const plain = tinyModel();
    await train({ ...common, model: plain });
    const full = tinyModel();
    await train({ ...common, model: full, augment: { padding: 2, flip: true } });
    expect(weights(full)).not.toEqual(weights(plain));

    const store = memoryCheckpointStore();
    const cut = tinyModel();
    const stopped = await train({
      ...common,
      model: cut,
      augment: { padding: 2, flip: true },
      checkpointDir: 'run',
      checkpoint: store,
      checkpointEverySteps: 2,
      stopAfterSteps: 7,
    });
    expect(stopped.interrupted).toBe(true);
    const resumedModel = tinyModel();
    await train({
      ...common,
      model: resumedModel,
      augment: { padding: 2, flip: true },
      checkpointDir: 'run',
      checkpoint: store,
      resume: true,
    });
    expect(weights(resumedModel)).toEqual(weights(full));
    for (const m of [plain, full, cut, resumedModel]) m.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
