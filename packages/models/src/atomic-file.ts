import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptCheckpointError } from './errors';

/** Hex SHA-256 of a byte array. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes `bytes` to `dir/name` atomically: the data goes to a temporary file in the same directory,
 * is flushed to disk (`fsync`), then renamed over the target. A reader sees the old file or the new one,
 * never a partial write; on failure the temporary file is removed.
 */
export async function writeFileAtomic(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Flushes a directory's entries (the renames) to disk; a no-op where directories cannot be opened. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the renames are still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Reads a file, returning `undefined` when it does not exist. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    // ENOTDIR: a file stands where a folder on the path should be, so the file cannot exist either.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR') {
      throw new CorruptCheckpointError(
        `${path} is a folder where a checkpoint file belongs; remove it and save the checkpoint again.`,
      );
    }
    throw error;
  }
}

/** Matches the temporary files of {@link writeFileAtomic}: `.<name>.tmp-<pid>-<hex>`. */
const TEMP_PATTERN = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporary files in `dir` that a killed {@link writeFileAtomic} left behind (those of
 * processes no longer running, or of this one: a write of ours is never in flight here). A missing
 * `dir` is fine.
 */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const match = TEMP_PATTERN.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !processAlive(pid)) await rm(join(dir, entry), { force: true });
  }
}
