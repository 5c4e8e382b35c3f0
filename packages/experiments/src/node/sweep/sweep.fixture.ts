import type { SweepRequest } from './plan';

/** A 4-cell sweep (2 experiments × 2 seeds) whose cells run `echo` instead of pixsim. */
export const request: SweepRequest = {
  experiments: ['fig2a', 'noise-fashion-mnist'],
  preset: 'smoke',
  seeds: [1, 2],
  out: '/shared/results',
  engine: { backend: 'wasm', threads: '1', evalEngine: 'auto' },
  resources: { cpus: 1, mem: '2G', time: '00:30:00', partition: 'short', gpus: 1, maxParallel: 3 },
  pixsim: ['echo'],
};
