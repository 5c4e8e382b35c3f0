/**
 * `@pixsim/regularizer/node`: everything of `@pixsim/regularizer`, with a `train()` that uses Node's file
 * system (checkpoint folders by default, a JSON-lines `metricsFile`, writability checks before any work)
 * and {@link fileCheckpointStore}. The main entry `@pixsim/regularizer` is universal and never imports a
 * Node built-in, so it bundles for browsers.
 *
 * @example
 * ```ts
 * import { SimilarityRegularizer, thresholdedPixelTargets, train } from '@pixsim/regularizer/node';
 * ```
 * @packageDocumentation
 * @module @pixsim/regularizer/node
 */
export * from './index';
export { fileCheckpointStore } from './file-checkpoint-store';
export { type NodeTrainOptions, train } from './node-trainer';
