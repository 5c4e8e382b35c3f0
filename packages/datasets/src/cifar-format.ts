import { describeValue } from '@pixsim/core';
import { assertBytes } from './describe';
import { PACKAGE, BadFormatError, InvalidOptionError, TruncatedFileError } from './errors';

/** Pixels of one CIFAR image: 32×32×3. */
export const CIFAR_PIXELS = 32 * 32 * 3;

/** Which CIFAR binary layout: CIFAR-10 records have 1 label byte, CIFAR-100 records 2 (coarse, fine). */
export type CifarKind = 'cifar10' | 'cifar100';

/** Parsed records of one CIFAR binary file. */
export interface CifarRecords {
  count: number;
  /** uint8 `[count, 32, 32, 3]` (channels last; the file stores planes R, G, B). */
  images: Uint8Array;
  /** CIFAR-10 label, or CIFAR-100 fine label. */
  labels: Int32Array;
  /** CIFAR-100 coarse (super-class) label; absent for CIFAR-10. */
  coarseLabels?: Int32Array;
}

/**
 * Parses a CIFAR binary file: records of `1` (CIFAR-10) or `2` (CIFAR-100: coarse, fine) label bytes
 * followed by 1,024 red, 1,024 green and 1,024 blue bytes (row-major 32×32).
 *
 * @param file - name used in error messages.
 */
export function parseCifarRecords(buffer: Uint8Array, file: string, kind: CifarKind): CifarRecords {
  assertBytes('parseCifarRecords', buffer);
  if (kind !== 'cifar10' && kind !== 'cifar100') {
    throw new InvalidOptionError(
      PACKAGE,
      `parseCifarRecords: kind must be 'cifar10' or 'cifar100', got ${describeValue(kind)}.`,
    );
  }
  const labelBytes = kind === 'cifar10' ? 1 : 2;
  const record = labelBytes + CIFAR_PIXELS;
  const fineClasses = kind === 'cifar10' ? 10 : 100;
  if (buffer.length === 0 || buffer.length % record !== 0) {
    const other = kind === 'cifar10' ? 3074 : 3073;
    const hint =
      buffer.length > 0 && buffer.length % other === 0
        ? ` Its size is a multiple of ${other}: is it a ${kind === 'cifar10' ? 'CIFAR-100' : 'CIFAR-10'} file?`
        : '';
    throw new TruncatedFileError(
      `${file}: ${buffer.length} bytes is not a whole number of ${record}-byte ${kind === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} ` +
        `records (${Math.floor(buffer.length / record)} full records + ${buffer.length % record} bytes): the file is ` +
        `truncated or not in the CIFAR binary format.${hint} Download the binary version again.`,
    );
  }
  const count = buffer.length / record;
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Int32Array(count);
  const coarseLabels = kind === 'cifar100' ? new Int32Array(count) : undefined;
  const plane = 32 * 32;
  for (let r = 0; r < count; r++) {
    const at = r * record;
    const fine = buffer[at + labelBytes - 1];
    if (fine >= fineClasses) {
      throw new BadFormatError(
        `${file}: record ${r} has label ${fine}, outside 0…${fineClasses - 1} of ${kind === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'}. ` +
          'The file is corrupt or of the other CIFAR version; pass it to the matching loader.',
      );
    }
    labels[r] = fine;
    if (coarseLabels) {
      const coarse = buffer[at];
      if (coarse >= 20) {
        throw new BadFormatError(
          `${file}: record ${r} has coarse label ${coarse}, outside 0…19 of CIFAR-100. The file is corrupt or ` +
            'of the other CIFAR version; pass it to the matching loader.',
        );
      }
      coarseLabels[r] = coarse;
    }
    const src = at + labelBytes;
    const dst = r * CIFAR_PIXELS;
    for (let p = 0; p < plane; p++) {
      const o = dst + p * 3;
      images[o] = buffer[src + p];
      images[o + 1] = buffer[src + plane + p];
      images[o + 2] = buffer[src + 2 * plane + p];
    }
  }
  return { count, images, labels, coarseLabels };
}

/** Concatenates the records of several files (e.g. `data_batch_1 … 5`). */
export function concatRecords(parts: CifarRecords[]): CifarRecords {
  const count = parts.reduce((s, p) => s + p.count, 0);
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Int32Array(count);
  const withCoarse = parts.length > 0 && parts.every((p) => p.coarseLabels);
  const coarseLabels = withCoarse ? new Int32Array(count) : undefined;
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * CIFAR_PIXELS);
    labels.set(p.labels, at);
    if (coarseLabels && p.coarseLabels) coarseLabels.set(p.coarseLabels, at);
    at += p.count;
  }
  return { count, images, labels, coarseLabels };
}

/** Class names from a `batches.meta.txt` / `*_label_names.txt` file: one per non-empty line. */
export function parseNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** CIFAR-10 class names in label order (also in `batches.meta.txt`). */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** CIFAR-100 coarse (super-class) names in label order (also in `coarse_label_names.txt`). */
export const CIFAR100_COARSE_CLASSES: readonly string[] = [
  'aquatic_mammals',
  'fish',
  'flowers',
  'food_containers',
  'fruit_and_vegetables',
  'household_electrical_devices',
  'household_furniture',
  'insects',
  'large_carnivores',
  'large_man-made_outdoor_things',
  'large_natural_outdoor_scenes',
  'large_omnivores_and_herbivores',
  'medium_mammals',
  'non-insect_invertebrates',
  'people',
  'reptiles',
  'small_mammals',
  'trees',
  'vehicles_1',
  'vehicles_2',
];

/** CIFAR-100 fine class names in label order (also in `fine_label_names.txt`). */
export const CIFAR100_FINE_CLASSES: readonly string[] = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can ' +
  'castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin ' +
  'elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster ' +
  'man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck ' +
  'pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk ' +
  'skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger ' +
  'tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');
