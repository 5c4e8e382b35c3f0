import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { slurmIdentity, slurmJobLabel } from './cell-lock';
import { readJsonIfExists, writeJson } from './files';

/** The file in a cell folder that records why its last run failed (removed when a run starts again). */
export const FAILURE_FILE = 'failure.json';

/** The content of `failure.json`. */
export interface FailureRecord {
  at: string;
  host: string;
  pid: number;
  slurmJob?: string;
  error: { name: string; code?: string; message: string };
}

/** Records that the run of the cell in `dir` failed with `error`. */
export function recordFailure(dir: string, error: unknown): void {
  const slurm = slurmIdentity();
  const e = error instanceof Error ? error : new Error(String(error));
  // ExperimentsError codes, and those of the other pixsim packages (MISSING_FILE…) or of Node (ENOSPC…).
  const code = (e as Error & { code?: unknown }).code;
  const record: FailureRecord = {
    at: new Date().toISOString(),
    host: hostname(),
    pid: process.pid,
    ...(slurm ? { slurmJob: slurmJobLabel(slurm) } : {}),
    error: {
      name: e.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: e.message,
    },
  };
  writeJson(join(dir, FAILURE_FILE), record);
}

/** The recorded failure of the cell in `dir`, or null. */
export function readFailure(dir: string): FailureRecord | null {
  try {
    return readJsonIfExists<FailureRecord>(join(dir, FAILURE_FILE));
  } catch {
    return null;
  }
}

/** Forgets a recorded failure (a new run of the cell has started). */
export function clearFailure(dir: string): void {
  rmSync(join(dir, FAILURE_FILE), { force: true });
}
