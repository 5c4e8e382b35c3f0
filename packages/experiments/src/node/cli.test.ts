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
    expect(Object.keys(listed.presets)).toEqual(['paper', 'cpu', 'quick', 'smoke']);
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
});
