import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../../../scripts/slurm/integration-test.sh', import.meta.url));
const enabled = process.env.PIXSIM_SLURM_TEST === '1';

// A real single-node Slurm cluster (slurm-wlm + munge, installed with apt when missing, as root): too much
// for CI machines, so it runs only when asked. The same test is the documented command
// `scripts/slurm/integration-test.sh` (see the package README for its last measured output).
describe('pixsim sweep on a real Slurm', () => {
  if (!enabled) {
    it.skip('skipped: set PIXSIM_SLURM_TEST=1 to run scripts/slurm/integration-test.sh (root, ~4 minutes)', () => {});
    return;
  }
  it('a 4-cell smoke sweep, one task cancelled and resubmitted, aggregates to the results of a local run', () => {
    const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 1_500_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('4 cells and 2 summaries identical to the local run');
    expect(r.stdout).toMatch(/PASS: Slurm sweep/);
  }, 1_600_000);
});
