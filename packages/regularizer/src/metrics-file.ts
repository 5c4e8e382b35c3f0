import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnwritablePathError } from './errors';

/**
 * Writes `lines` as a JSON-lines file atomically (temporary file + rename), creating the folder. A
 * failed write removes its temporary file and throws {@link UnwritablePathError}.
 */
export function writeJsonLines(path: string, lines: readonly unknown[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw new UnwritablePathError(
      path,
      code,
      `train: writing the metrics file ${path} failed (${code}: ${(error as Error).message}); free disk ` +
        'space or choose a writable metricsFile.',
    );
  }
}
