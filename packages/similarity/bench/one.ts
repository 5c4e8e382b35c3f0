// One benchmark configuration in its own process, so that maxRSS is this configuration's peak.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { pixelSimilarity, selectPairs } from '../src/index';
import { loadTinyImagenetGrey } from './tiny-imagenet';

const [backend, nArg] = process.argv.slice(2);
const n = Number(nArg);
await tf.setBackend(backend);
await tf.ready();
const pixels = await loadTinyImagenetGrey(n);
const rssBefore = process.memoryUsage().rss;

const images = tf.tensor3d(pixels, [n, 64, 64], 'int32');
let t0 = performance.now();
const s = pixelSimilarity(images);
const values = s.dataSync() as Float32Array;
const simMs = performance.now() - t0;
t0 = performance.now();
const all = selectPairs(values, { range: 'all' });
const allMs = performance.now() - t0;
t0 = performance.now();
const high = selectPairs(values, { range: 'high', th: 0.8 });
const highMs = performance.now() - t0;
tf.dispose([images, s]);

console.log(
  JSON.stringify({
    backend,
    n,
    pixelSimilarityMs: simMs,
    selectPairsAllMs: allMs,
    pairsAll: all.length / 2,
    selectPairsHighMs: highMs,
    pairsHigh: high.length / 2,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssAtStartMB: rssBefore / 2 ** 20,
  }),
);
