import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './files';
import { ImageDataset, type Split } from './image-dataset';

const MAGIC = 'PXSIMIMG';
const VERSION = 1;

/** A stable key for the decoded tensor of an image folder: its files (with sizes and mtimes) and options. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ version: VERSION, parts }))
    .digest('hex')
    .slice(0, 32);
}

/** Path of the cache file of `key` in `cacheDir`. */
export function cachePath(cacheDir: string, key: string): string {
  return join(cacheDir, `image-folder-${key}.bin`);
}

/**
 * Reads a cached decoded folder; returns `null` when there is no cache file or it is unreadable
 * (wrong magic, wrong length: e.g. written by another version), in which case the caller decodes again
 * and overwrites it.
 */
export async function readCache(path: string, name: string, split: Split): Promise<ImageDataset | null> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch {
    return null;
  }
  if (buffer.length < 12 || buffer.toString('latin1', 0, 8) !== MAGIC) return null;
  const headerLength = buffer.readUInt32LE(8);
  if (12 + headerLength > buffer.length) return null;
  let header: { shape: [number, number, number, number]; classNames: string[] };
  try {
    header = JSON.parse(buffer.toString('utf8', 12, 12 + headerLength));
  } catch {
    return null;
  }
  const [n, h, w, c] = header.shape;
  const labelsAt = 12 + headerLength;
  const imagesAt = labelsAt + 4 * n;
  if (buffer.length !== imagesAt + n * h * w * c) return null;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = buffer.readInt32LE(labelsAt + 4 * i);
  const images = new Uint8Array(buffer.buffer, buffer.byteOffset + imagesAt, n * h * w * c);
  return new ImageDataset({
    name,
    split,
    images,
    shape: [n, h, w, c],
    labels,
    classNames: header.classNames,
  });
}

/** What each Node error code means for the cache folder or file. */
const REASONS: Record<string, string> = {
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable by this user (permission denied)',
  EPERM: 'is not writable by this user (operation not permitted)',
  ENOSPC: 'is on a full disk (no space left on device)',
  EDQUOT: 'is over the disk quota',
  ENOTDIR: 'lies under a file, not a folder',
  EEXIST: 'is taken by a file where a folder is needed',
  EISDIR: 'holds a folder where the cache file goes',
};

const warnedDirs = new Set<string>();

/**
 * Writes the cache like {@link writeCache}, but a disk failure (read-only file system, permission,
 * full disk, a file where the folder should be, …) does not fail the load: it is reported once per
 * process and cache folder through `warn` (naming the folder, the cause and the fix) and the decoded
 * images are returned uncached. Errors that are not file-system errors are rethrown.
 */
export async function writeCacheOrWarn(
  cacheDir: string,
  path: string,
  dataset: ImageDataset,
  warn: ((line: string) => void) | false,
): Promise<void> {
  try {
    await writeCache(cacheDir, path, dataset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') throw error;
    if (warn === false || warnedDirs.has(cacheDir)) return;
    warnedDirs.add(cacheDir);
    const reason = REASONS[code] ?? `cannot be written (${code})`;
    warn(
      `[@pixsim/datasets] imageFolder: the image cache ${cacheDir} ${reason} (${code}); the decoded ` +
        'images are used without caching, so the next load decodes them again. Fix: pass ' +
        "{ cacheDir: '<writable folder>' } or set PIXSIM_CACHE_DIR to one, or pass { cacheDir: false } " +
        'to turn the cache off.',
    );
  }
}

/** Writes the decoded dataset to `path` atomically (temporary file + rename). */
export async function writeCache(cacheDir: string, path: string, dataset: ImageDataset): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const header = Buffer.from(
    JSON.stringify({ shape: dataset.shape, classNames: dataset.classNames }),
    'utf8',
  );
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 8);
  const labels = Buffer.alloc(4 * dataset.size);
  for (let i = 0; i < dataset.size; i++) labels.writeInt32LE(dataset.labels[i], 4 * i);
  await writeFileAtomic(
    path,
    Buffer.concat([
      prefix,
      header,
      labels,
      Buffer.from(dataset.images.buffer, dataset.images.byteOffset, dataset.images.byteLength),
    ]),
  );
}
