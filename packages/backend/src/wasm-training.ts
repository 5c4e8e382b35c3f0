/**
 * Side-effect entry `@pixsim/backend/wasm-training`: loads `@tensorflow/tfjs-backend-wasm` and then
 * registers this package's wasm training kernels over the stock ones (in that order, so the stock
 * registration cannot overwrite them).
 *
 * @example
 * ```ts
 * import '@pixsim/backend/wasm-training';
 * await tf.setBackend('wasm'); // Conv2DBackpropFilter & co. are now available and fast
 * ```
 * @packageDocumentation
 */
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training/register';

registerWasmTrainingKernels();

export { registerWasmTrainingKernels };
