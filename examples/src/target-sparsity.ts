// How many pairs get a non-zero target S^Th at a threshold Th? Before choosing Th for your own
// regularization images, see how sparse the thresholded pixel similarity is: at a high Th almost every
// target is 0, and L_sim then pulls the network's similarities towards 0 for almost every pair.
//   pnpm --filter @pixsim/examples run sparsity -- <image folder> [N] [Th,Th,…] [crop HxW]
// e.g. the Tiny-ImageNet stand-in as the `cpu` preset's fig2b uses it (the first 2,000 images, grey,
// centre crop 36×64):
//   pnpm --filter @pixsim/examples run sparsity -- ../shared/data/tiny-imagenet-5k 2000 0.8,0.6,0.4,0.2 36x64
import { initBackend } from '@pixsim/backend';
import { imageFolder } from '@pixsim/datasets';
import { pixelSimilarity, thresholdTargets, upperTriangle } from '@pixsim/similarity';
import * as tf from '@tensorflow/tfjs-core';

const [folder, nArg = '2000', thArg = '0.8,0.6,0.4,0.2', cropArg] = process.argv.slice(2);
if (folder === undefined) {
  console.error('usage: target-sparsity <image folder> [N] [Th,Th,…] [crop HxW]');
  process.exit(2);
}
const n = Number(nArg);
const thresholds = thArg.split(',').map(Number);
const crop = cropArg?.split('x').map(Number) as [number, number] | undefined;
/** Pairs the trainer holds out to measure r(S^CNN, S^target) (its default, min(500, 10 % of pairs)). */
const HELD_OUT = 500;

await initBackend('auto', { log: false });
const all = await imageFolder(folder, { grey: true, ...(crop ? { crop } : {}) });
const [, h, w, c] = all.shape;
const count = Math.min(n, all.size);
// The first `count` images in folder order (the runner's `selection: 'first'`, before its shuffle).
const images = tf.tensor4d(all.images.subarray(0, count * h * w * c), [count, h, w, c], 'int32');
const s = pixelSimilarity(images);
images.dispose();
const pairs = (count * (count - 1)) / 2;
console.log(`${count} images of ${folder}, ${h}×${w}×${c}: ${pairs.toLocaleString('en')} pairs i < j`);
console.log('| Th | S^Th = +1 | S^Th = −1 | non-zero | P(500 held-out pairs all 0) |');
console.log('| --- | --- | --- | --- | --- |');
for (const th of thresholds) {
  const t = thresholdTargets(s, th);
  const values = upperTriangle(t.dataSync() as Float32Array, count);
  t.dispose();
  let plus = 0;
  let minus = 0;
  for (const v of values) {
    if (v > 0) plus++;
    else if (v < 0) minus++;
  }
  const nonZero = (plus + minus) / pairs;
  // Held-out pairs are drawn without replacement; with so many pairs, (1 − p)^500 is exact to 4 digits.
  const allZero = (1 - nonZero) ** HELD_OUT;
  const pct = (v: number) => `${(100 * v).toFixed(3)} %`;
  console.log(
    `| ${th} | ${plus.toLocaleString('en')} | ${minus.toLocaleString('en')} | ${pct(nonZero)} | ${allZero.toFixed(3)} |`,
  );
}
s.dispose();
