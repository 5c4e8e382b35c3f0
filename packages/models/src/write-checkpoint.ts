import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemporaries, syncDirectory, writeFileAtomic } from './atomic-file';
import { CheckpointWriteError } from './errors';

/** Binary files of a checkpoint (`<kind>.<hash>.bin`). */
const BIN_PATTERN = /^(weights|optimizer|tensors)\.[0-9a-f]{16}\.bin$/;

/**
 * Writes a checkpoint's binaries, then `model.json` (each atomically), then deletes binaries no longer
 * referenced and temporary files of killed writes. A failing file system call becomes a
 * {@link CheckpointWriteError} naming the path and the fix.
 */
export async function writeFiles(
  dir: string,
  bins: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  json: Uint8Array,
  files: Record<string, unknown>,
): Promise<void> {
  try {
    await removeStaleTemporaries(dir);
    for (const bin of bins) await writeFileAtomic(dir, bin.name, bin.bytes);
    await syncDirectory(dir);
    await writeFileAtomic(dir, 'model.json', json);
    await syncDirectory(dir);
    for (const entry of await readdir(dir)) {
      if (BIN_PATTERN.test(entry) && files[entry] == null) await rm(join(dir, entry), { force: true });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') throw error;
    throw new CheckpointWriteError(dir, code, (error as Error).message);
  }
}
