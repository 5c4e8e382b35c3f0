import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const out = mkdtempSync(join(tmpdir(), 'pixsim-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pixsim(...args: string[]) {
  const r = spawnSync(tsx, ['src/bin.ts', ...args], { cwd: packageDir, encoding: 'utf8', timeout: 280_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the pixsim CLI', () => {
  it('list --json prints every experiment and preset', () => {
    const r = pixsim('list', '--json');
    expect(r.status).toBe(0);
    const listed = JSON.parse(r.stdout) as {
      experiments: Record<string, unknown>;
      presets: Record<string, unknown>;
    };
    expect(Object.keys(listed.experiments)).toContain('fig3b');
    expect(Object.keys(listed.presets)).toEqual(['paper', 'cpu', 'cpu-5k', 'quick', 'smoke']);
  });

  it('reports typed errors as one line with the code and exit status 2', () => {
    const r = pixsim('run', 'fig2a', '--preset', 'laptop', '--seed', '1', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('UNKNOWN_PRESET');
    expect(pixsim('run', 'fig9', '--preset', 'smoke', '--seed', '1', '--out', out).stderr).toContain(
      'UNKNOWN_EXPERIMENT',
    );
    expect(pixsim('reproduce', 'fig2a', '--preset', 'smoke', '--seeds', '3-1').stderr).toContain('--seeds');
  });

  it('reproduce fig2a --preset smoke --seeds 1,2 writes results, summary, CSV and the figure; aggregate, plot and report work on them', () => {
    const r = pixsim(
      'reproduce',
      'fig2a',
      '--preset',
      'smoke',
      '--seeds',
      '1,2',
      '--out',
      out,
      '--backend',
      'wasm',
      '--threads',
      '1',
    );
    expect(r.status, r.stderr).toBe(0);
    const dir = join(out, 'fig2a', 'smoke');
    for (const f of [
      'seed-1/result.json',
      'seed-2/result.json',
      'summary.json',
      'summary.csv',
      'fig2a.svg',
      'fig2a.png',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(r.stdout).toContain('| unregularized |');
    expect(r.stdout).toContain('fig2a.png');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.seeds).toEqual([1, 2]);
    expect(pixsim('aggregate', dir).status).toBe(0);
    expect(pixsim('plot', dir).stdout).toContain('fig2a.png');
    const report = pixsim('report', out);
    expect(report.status).toBe(0);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('![Fig. 2a');
    expect(md).toContain('| seed | models');
    // A second reproduce skips both finished cells.
    const again = pixsim(
      'reproduce',
      'fig2a',
      '--preset',
      'smoke',
      '--seeds',
      '1,2',
      '--out',
      out,
      '--backend',
      'wasm',
      '--threads',
      '1',
    );
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, 'seed-1/result.json'), 'utf8')).toContain('"specHash"');
  });

  it('reproduce --jobs 2 runs the cells in two processes and gives the results of the sequential run', () => {
    const parallelOut = join(out, 'jobs');
    const r = pixsim(
      ...['reproduce', 'fig2a', '--preset', 'smoke', '--seeds', '1,2', '--out', parallelOut],
      ...['--backend', 'wasm', '--jobs', '2'],
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('2 cells, 2 at a time, each in its own process');
    expect(r.stderr).toContain('seed-2'); // the cells' progress lines are passed on
    expect(r.stdout).toContain('| unregularized |');
    // Same weights and curves as the sequential run of the test above (one thread there; here
    // cores ÷ 2 threads per cell: results do not depend on the thread count).
    for (const seed of [1, 2]) {
      const read = (root: string) =>
        JSON.parse(readFileSync(join(root, 'fig2a', 'smoke', `seed-${seed}`, 'result.json'), 'utf8'));
      const [sequential, parallel] = [read(out), read(parallelOut)];
      // Everything but the speed of each epoch.
      const withoutSpeed = (models: Array<{ history: Array<Record<string, unknown>> }>) =>
        models.map((m) => ({ ...m, history: m.history.map(({ imagesPerSecond: _, ...epoch }) => epoch) }));
      expect(parallel.models.length).toBe(2);
      expect(withoutSpeed(parallel.models)).toEqual(withoutSpeed(sequential.models));
      expect(parallel.curves).toEqual(sequential.curves);
    }
    const summary = (root: string) =>
      JSON.parse(readFileSync(join(root, 'fig2a', 'smoke', 'summary.json'), 'utf8')).curves;
    expect(summary(parallelOut)).toEqual(summary(out));
  });

  it('reproduce --jobs: a failing cell is a typed error naming the seed and its error (a typed error of another package, printed by the cell as one line); bad --jobs values too', () => {
    const r = pixsim(
      ...['reproduce', 'fig3b', '--preset', 'smoke', '--seeds', '1,2', '--out', join(out, 'failing')],
      ...['--backend', 'wasm', '--jobs', '2', '--data-dir', join(out, 'no-cifar-here')],
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CELL_PROCESS_FAILED');
    expect(r.stderr).toMatch(/seed 1 \(exit status 2: pixsim: MISSING_FILE: CIFAR-10/);
    expect(r.stderr).toMatch(/seed 2 \(exit status 2: pixsim: MISSING_FILE: CIFAR-10/);
    expect(existsSync(join(out, 'failing', 'fig3b', 'smoke', 'summary.json'))).toBe(false);
    for (const jobs of ['0', '1.5', 'two', '65']) {
      const bad = pixsim(
        'reproduce',
        'fig2a',
        '--preset',
        'smoke',
        '--jobs',
        jobs,
        '--out',
        join(out, 'bad'),
      );
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('INVALID_OPTION');
      expect(bad.stderr).toContain('--jobs');
    }
  });

  it('sweep writes Slurm or Kubernetes files and status lists the expected cells; bad targets are typed errors', () => {
    const sweepOut = join(out, 'sweep');
    const common = ['fig2a', '--preset', 'smoke', '--seeds', '1-2', '--out', sweepOut];
    const bad = pixsim('sweep', ...common, '--emit', 'nomad');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("UNKNOWN_EMIT_TARGET: --emit: unknown target 'nomad'");
    const noImage = pixsim('sweep', ...common, '--emit', 'k8s');
    expect(noImage.status).toBe(2);
    expect(noImage.stderr).toContain('INVALID_OPTION: --emit k8s needs --image');
    const slurm = pixsim('sweep', ...common, '--emit', 'slurm', '--threads', '1', '--pixsim', 'echo');
    expect(slurm.status, slurm.stderr).toBe(0);
    const folder = join(sweepOut, 'sweeps', 'fig2a-smoke');
    expect(slurm.stdout).toContain(join(folder, 'cells.sbatch'));
    expect(readFileSync(join(folder, 'cells.sbatch'), 'utf8')).toContain('#SBATCH --cpus-per-task=1\n');
    const status = pixsim('status', sweepOut, '--sweep', 'fig2a-smoke');
    expect(status.stdout).toContain(
      '2 cells (sweep fig2a-smoke): 0 done, 0 running, 0 failed, 0 interrupted, 2 missing',
    );
    const k8s = pixsim(
      'sweep',
      ...common.slice(0, -1),
      '/results',
      '--emit',
      'k8s',
      '--image',
      'pixsim:1',
      '--claim',
      'results',
      '--script-dir',
      join(out, 'k8s'),
    );
    expect(k8s.status, k8s.stderr).toBe(0);
    expect(readFileSync(join(out, 'k8s', 'sweep.k8s.yaml'), 'utf8')).toContain('completionMode: Indexed');
  });
});
