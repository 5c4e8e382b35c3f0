/** The demo's settings and defaults (no TensorFlow.js here: the page's main thread imports this). */

/** The tapped layers of the demo CNN: its three convolutions. */
export const TAPS = ['conv1', 'conv2', 'conv3'] as const;

export type RunKind = 'unregularized' | 'regularized';

/** What the page lets a user change (and a few things it does not show). */
export interface DemoSettings {
  /** α of `L = L_task + α·L_sim` for the regularized run. */
  alpha: number;
  /** Th of `S^Th` (eq. 3). */
  th: number;
  /** Optimiser steps per run. */
  steps: number;
  /** Seed of the initial weights, batch order, pair order and noise. */
  seed: number;
  /** Classification images per step. */
  batchSize: number;
  /** Pairs per step (the paper's k = 16). */
  pairBatch: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Measure `S^CNN` on the fixed images every this many steps. */
  probeEvery: number;
  /** Digits per class in the fixed set of the heatmaps. */
  probePerClass: number;
  /** Test digits evaluated under noise (at most the 200 shipped). */
  testCount: number;
  /** Noise levels ε of `x + ε·N(0, 1)`. */
  epsilons: number[];
}

/** `count` evenly spaced values from `start` to `end` (NumPy's `linspace`). */
export function linspace(start: number, end: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}

/**
 * Defaults checked by running the experiment at this scale (`run-node.ts`, and in Chromium): see the
 * demo's README for what they gave.
 */
export const DEFAULT_SETTINGS: DemoSettings = {
  alpha: 0.2,
  th: 0.2,
  steps: 300,
  seed: 1,
  batchSize: 32,
  pairBatch: 16,
  learningRate: 0.003,
  probeEvery: 10,
  probePerClass: 2,
  testCount: 200,
  epsilons: linspace(0, 0.5, 11),
};
