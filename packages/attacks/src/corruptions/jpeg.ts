import { PACKAGE, ShapeMismatchError } from '../errors';
import type { ImageSize } from './image-ops';

/** One 8-bit image, row-major `[height, width, channels]` (1: grey, 3: RGB). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * A JPEG round trip: encodes `image` at `quality` (1–100) and returns the decoded bytes, in the same layout
 * and size. `sharpJpeg()` of `@pixsim/attacks/node` makes one with `sharp`; in a browser, write one with
 * a canvas (`canvas.toBlob(…, 'image/jpeg', quality / 100)`).
 */
export type JpegCodec = (image: RawImage, quality: number) => Promise<Uint8Array>;

/**
 * JPEG compression of the images `pixels` (`[n, h, w, c]` in [0, 1]) at `quality`: each image is rounded to
 * bytes (`round(255·x)`), round-tripped through `codec`, and scaled back by 1/255.
 */
export async function jpegImages(
  fn: string,
  pixels: ArrayLike<number>,
  n: number,
  size: ImageSize,
  quality: number,
  codec: JpegCodec,
): Promise<Float32Array> {
  const d = size.h * size.w * size.c;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(d);
    for (let j = 0; j < d; j++) data[j] = Math.round(255 * pixels[i * d + j]);
    const decoded = await codec({ data, width: size.w, height: size.h, channels: size.c as 1 | 3 }, quality);
    if (!(decoded instanceof Uint8Array) || decoded.length !== d) {
      throw new ShapeMismatchError(
        PACKAGE,
        `${fn}: the JPEG codec returned ${decoded instanceof Uint8Array ? `${decoded.length} bytes` : typeof decoded} ` +
          `for a ${size.h}×${size.w}×${size.c} image; it must return the decoded ${d} bytes in the same layout.`,
      );
    }
    for (let j = 0; j < d; j++) out[i * d + j] = decoded[j] / 255;
  }
  return out;
}
