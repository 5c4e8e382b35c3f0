/**
 * `@pixsim/attacks/node`: everything of `@pixsim/attacks` plus the JPEG codec of the `'jpeg-compression'`
 * corruption through `sharp` ({@link sharpJpeg}; `sharp` is an optional peer dependency). The main entry
 * `@pixsim/attacks` is universal (browsers, web workers, Node) and imports no Node module.
 *
 * @example
 * ```ts
 * import { evaluateCorruptionsAsync, sharpJpeg } from '@pixsim/attacks/node';
 * const result = await evaluateCorruptionsAsync(clf, { images, labels }, { seed: 1, jpeg: await sharpJpeg() });
 * ```
 * @packageDocumentation
 * @module @pixsim/attacks/node
 */
export * from './index';
export { sharpJpeg } from './corruptions/sharp-jpeg';
