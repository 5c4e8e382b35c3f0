import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SchedulerNotFoundError, SubmitFailedError, SweepStillQueuedError } from '../../errors';
import { writeJson } from '../files';
import { planSweep } from './plan';
import { request } from './sweep.fixture';
import { writeSlurmFiles } from './slurm';
import { jobId, runScheduler, submitSlurm } from './submit';

const root = mkdtempSync(join(tmpdir(), 'pixsim-submit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('submitSlurm', () => {
  it('names the fix when sbatch is missing, and reports a refused submission', () => {
    const missing = (() => {
      try {
        runScheduler('sbatch-not-installed-here', ['--version']);
      } catch (e) {
        return e;
      }
    })();
    expect(missing).toBeInstanceOf(SchedulerNotFoundError);
    expect((missing as Error).message).toContain('Slurm login node');
    expect(() =>
      runScheduler(process.execPath, ['-e', 'console.error("bad partition"); process.exit(1)']),
    ).toThrow(SubmitFailedError);
    expect(jobId('4711\n')).toBe('4711');
    expect(jobId('4711;cluster-a\n')).toBe('4711');
  });

  it('submits only unfinished cells, makes the aggregation depend on them, and refuses while an earlier submission is queued', async () => {
    const m = await planSweep({ ...request, out: root });
    const files = writeSlurmFiles(m, join(root, 'sweeps', m.name));
    writeJson(join(root, 'fig2a/smoke/seed-2/result.json'), { finishedAt: 'x' });
    const calls: string[][] = [];
    let next = 100;
    const run = (command: string, args: readonly string[]) => {
      calls.push([command, ...args]);
      return args[0] === '--version' ? 'slurm 24.11.5\n' : `${next++}\n`;
    };
    const s = submitSlurm(m, files, { run, probe: () => false });
    expect(calls.slice(1)).toEqual([
      ['sbatch', '--parsable', '--array=0,2-3%3', files.cells],
      ['sbatch', '--parsable', '--dependency=afterok:100', files.aggregate],
    ]);
    expect(s).toMatchObject({
      arrayJob: '100',
      aggregateJob: '101',
      tasks: [0, 2, 3],
      done: ['fig2a/smoke/seed-2'],
    });
    const again = { ...m, submissions: [s] };
    expect(() => submitSlurm(again, files, { run, probe: (j) => j === '101' })).toThrow(
      SweepStillQueuedError,
    );
  });
});
