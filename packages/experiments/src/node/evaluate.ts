import type { ImageDataset } from '@pixsim/datasets';
import type { TestImages } from '../kinds/kind';

export { boundaryIndices, evaluateBoundary, evaluateBoundaryAsync } from '../kinds/boundary';
export { evaluateCurve, evaluateCurveAsync } from '../kinds/curve';
export type { TestImages } from '../kinds/kind';
export { classifierOf } from '../kinds/style';

/** The test set as a float32 `[N, H, W, C]` tensor in [0, 1] (the caller disposes it). */
export function testImages(test: ImageDataset): TestImages {
  return { images: test.toTensor(undefined, { scale: 'unit' }), labels: test.labels };
}
