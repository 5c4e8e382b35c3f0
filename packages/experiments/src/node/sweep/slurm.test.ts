import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSweep } from './plan';
import { request } from './sweep.fixture';
import { writeSlurmFiles } from './slurm';

const dir = mkdtempSync(join(tmpdir(), 'pixsim-slurm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--emit slurm', () => {
  it('writes a requeueable job array with the resources, and an aggregation job', async () => {
    const m = await planSweep(request);
    const files = writeSlurmFiles(m, dir);
    const cells = readFileSync(files.cells, 'utf8');
    for (const line of [
      '#SBATCH --array=0-3%3',
      '#SBATCH --cpus-per-task=1',
      '#SBATCH --mem=2G',
      '#SBATCH --time=00:30:00',
      '#SBATCH --partition=short',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --requeue',
      `#SBATCH --output=${join(dir, 'logs', 'cell-%a.log')}`,
    ]) {
      expect(cells).toContain(`${line}\n`);
    }
    const aggregate = readFileSync(files.aggregate, 'utf8');
    expect(aggregate).toContain('#SBATCH --kill-on-invalid-dep=yes\n');
    expect(aggregate).toContain(
      'echo aggregate /shared/results/fig2a/smoke\necho plot /shared/results/fig2a/smoke\n',
    );
    expect(aggregate).toContain('echo plot /shared/results/noise-fashion-mnist/smoke\n');
    expect(aggregate).toContain('echo status /shared/results --sweep fig2a-noise-fashion-mnist-smoke\n');
  });

  it('maps array task i to cell i and passes the engine flags (run by bash)', async () => {
    const m = await planSweep({ ...request, engine: { ...request.engine, dataDir: '/data/cifar' } });
    const files = writeSlurmFiles(m, dir);
    const task = (id: string) =>
      spawnSync('bash', [files.cells], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, SLURM_ARRAY_TASK_ID: id, SLURM_JOB_ID: '42' },
      });
    const r = task('2');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe(
      'run noise-fashion-mnist --seed 1 --preset smoke --out /shared/results --backend wasm --threads 1 --eval-engine auto --data-dir /data/cifar',
    );
    expect(task('0').stdout).toContain('run fig2a --seed 1 ');
    const missing = task('4');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no cell for array task 4');
    expect(
      spawnSync('bash', [files.cells], { encoding: 'utf8', env: { PATH: process.env.PATH } }).status,
    ).not.toBe(0);
  });
});
