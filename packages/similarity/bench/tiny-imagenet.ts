import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/** The repository's `../shared/data` folder, resolved from this file (packages/similarity/bench). */
export const sharedData = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');

/** Decodes the first `n` Tiny-ImageNet images (sorted paths) to grey 64×64 uint8, row-major [n, 64, 64]. */
export async function loadTinyImagenetGrey(n: number): Promise<Uint8Array> {
  const root = join(sharedData, 'tiny-imagenet-5k');
  const files: string[] = [];
  for (const cls of (await readdir(root)).sort()) {
    for (const f of (await readdir(join(root, cls))).sort()) files.push(join(root, cls, f));
  }
  if (files.length < n) throw new Error(`need ${n} images under ${root}, found ${files.length}`);
  const out = new Uint8Array(n * 64 * 64);
  for (let i = 0; i < n; i++) {
    const { data, info } = await sharp(files[i])
      .greyscale()
      .resize(64, 64)
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1)
      throw new Error(`${files[i]}: expected 1 channel after greyscale, got ${info.channels}`);
    out.set(data, i * 64 * 64);
  }
  return out;
}
