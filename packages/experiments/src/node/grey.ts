import { ImageDataset } from '@pixsim/datasets';

/**
 * The data set with one grey channel: ITU-R 601-2 luma with PIL's integer rounding (what torchvision's
 * `Grayscale` gives the reference). Single-channel data sets are returned as they are.
 */
export function toGreyDataset(ds: ImageDataset): ImageDataset {
  const [n, h, w, c] = ds.shape;
  if (c === 1) return ds;
  const pixels = h * w;
  const out = new Uint8Array(n * pixels);
  const src = ds.images;
  for (let p = 0; p < n * pixels; p++) {
    const q = p * c;
    out[p] = (src[q] * 19595 + src[q + 1] * 38470 + src[q + 2] * 7471 + 0x8000) >> 16;
  }
  return new ImageDataset({
    name: ds.name,
    split: ds.split,
    images: out,
    shape: [n, h, w, 1],
    labels: ds.labels,
    classNames: ds.classNames,
  });
}
