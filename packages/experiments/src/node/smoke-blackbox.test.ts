import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { describeWithData } from '../../../../test-support/real-data';
import type { Summary } from '../aggregate';
import type { CorruptionsRecord } from '../kinds/corruptions';
import type { HopSkipJumpRecord } from '../kinds/hop-skip-jump';
import type { SquareRecord } from '../kinds/square';
import type { CellResult } from '../result';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const out = mkdtempSync(join(tmpdir(), 'pixsim-blackbox-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pixsim(...args: string[]) {
  const r = spawnSync(tsx, ['src/bin.ts', ...args], { cwd: packageDir, encoding: 'utf8', timeout: 400_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeWithData(
  ['cifar10'],
  'the blackbox experiment at the smoke preset, through the CLI',
  ([CIFAR10_DIR]) => {
    it('run → result.json with square, hop-skip-jump, corruptions and boundary records; aggregate and plot write the summary and figure', () => {
      const run = pixsim(
        'run',
        'blackbox',
        '--preset',
        'smoke',
        '--seed',
        '1',
        '--out',
        out,
        '--data-dir',
        CIFAR10_DIR,
        '--backend',
        'wasm',
        '--threads',
        '1',
      );
      expect(run.status, run.stderr).toBe(0);
      const dir = join(out, 'blackbox', 'smoke');
      const result = JSON.parse(readFileSync(join(dir, 'seed-1', 'result.json'), 'utf8')) as CellResult;
      expect(result.curves).toEqual([]);
      expect(result.boundary.map((b) => b.model)).toEqual(['unregularized', 'regularized']);
      const evaluations = result.evaluations ?? [];
      expect(evaluations.map((e) => `${e.model}:${e.kind}`)).toEqual([
        'unregularized:square',
        'unregularized:hop-skip-jump',
        'unregularized:corruptions',
        'regularized:square',
        'regularized:hop-skip-jump',
        'regularized:corruptions',
      ]);
      const square = evaluations[0] as unknown as SquareRecord;
      expect(square.imageIndices).toHaveLength(4);
      expect(square.maxQueries).toBe(50);
      expect(square.threats.map((t) => t.norm)).toEqual(['linf', 'l2']);
      for (const t of square.threats) {
        expect(t.queries.every((q, i) => q <= 50 && (t.success[i] || q === 50))).toBe(true);
        // Robust accuracy never rises with more queries, and ends at the budget's.
        expect(t.accuracyAtQueries.every((a, k) => k === 0 || a <= t.accuracyAtQueries[k - 1])).toBe(true);
        expect(t.accuracyAtQueries.at(-1)).toBe(t.robustAccuracy);
      }
      const hsj = evaluations[1] as unknown as HopSkipJumpRecord;
      // The same images as the Square Attack (one seeded choice for both black-box kinds).
      expect(hsj.imageIndices).toEqual(square.imageIndices);
      const dist = hsj.threats[0].medianDistanceAtQueries.filter((d): d is number => d !== null);
      expect(dist.every((d, k) => k === 0 || d <= dist[k - 1])).toBe(true);
      const corruptions = evaluations[2] as unknown as CorruptionsRecord;
      expect(corruptions.families).toHaveLength(11);
      expect(corruptions.families.every((f) => f.accuracy.length === 5)).toBe(true);
      expect(corruptions.n).toBe(8);
      expect(Object.keys(result.phases)).toContain('eval:regularized:corruptions');

      const agg = pixsim('aggregate', dir);
      expect(agg.status, agg.stderr).toBe(0);
      expect(agg.stdout).toContain('Square Attack L∞ ε = 0.0314');
      expect(agg.stdout).toContain('Corruption error relative to the unregularized model');
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      expect(summary.evaluations?.map((e) => `${e.model}:${e.kind}`)).toHaveLength(6);
      const csv = readFileSync(join(dir, 'summary.csv'), 'utf8');
      expect(csv).toContain('regularized,corruptions,mCE vs unregularized');
      expect(csv).toContain('unregularized,square,robust accuracy (linf) at 50 queries,0.03137254901960784');
      const plot = pixsim('plot', dir);
      expect(plot.status, plot.stderr).toBe(0);
      for (const f of ['blackbox.svg', 'blackbox.png', 'blackbox.vl.json'])
        expect(existsSync(join(dir, f))).toBe(true);
      const vl = JSON.parse(readFileSync(join(dir, 'blackbox.vl.json'), 'utf8'));
      expect(vl.vconcat).toHaveLength(4);
    }, 420_000);
  },
);
