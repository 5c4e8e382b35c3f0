// Every package's tests run on the pure-JS `cpu` backend unless a test file picks another.
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers gradients only through this side-effect module (the `@tensorflow/tfjs` bundle imports it).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';

beforeAll(async () => {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
});
