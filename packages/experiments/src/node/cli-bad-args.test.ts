import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../presets';
import { main } from './cli';

const out = mkdtempSync(join(tmpdir(), 'pixsim-cli-bad-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
// Preset and spec files that are wrong in content, not in name.
const brokenJson = join(out, 'broken.json');
writeFileSync(brokenJson, '{ "name": ');
const badPreset = join(out, 'bad-preset.json');
writeFileSync(badPreset, JSON.stringify({ ...PRESETS.smoke, seeds: [] }));
const badSpec = join(out, 'bad-spec.json');
writeFileSync(badSpec, JSON.stringify({ id: 'x', format: 'nope' }));
const wrongExtension = join(out, 'preset.yaml');
writeFileSync(wrongExtension, 'name: smoke');
const aFolder = join(out, 'folder.json');
mkdirSync(aFolder);

/**
 * A valid `run` / `reproduce` command line that would train (smoke preset, cpu, one thread): every
 * generated case breaks one token of it, so none may get as far as training.
 */
const template = () => ({
  command: 'run',
  experiment: 'fig2a',
  flags: { '--preset': 'smoke', '--seed': '1', '--out': out, '--backend': 'cpu', '--threads': '1' } as Record<
    string,
    string | null
  >,
});
type Case = ReturnType<typeof template>;

/** One broken token per case: a wrong value, a missing value (null), an unknown flag or command. */
const breakers: { command?: string; experiment?: string; flags?: Record<string, string | null> }[] = [
  { experiment: 'fig9' },
  { experiment: badSpec },
  { experiment: brokenJson },
  { command: 'runn' },
  { flags: { '--preset': 'laptop' } },
  { flags: { '--preset': brokenJson } },
  { flags: { '--preset': badPreset } },
  { flags: { '--preset': wrongExtension } },
  { flags: { '--preset': aFolder } },
  { flags: { '--preset': 'constructor' } },
  { flags: { '--preset': null } },
  { flags: { '--seed': 'x' } },
  { flags: { '--seed': '-1' } },
  { flags: { '--seed': '1.5' } },
  { flags: { '--seed': '99999999999999999999' } },
  { flags: { '--seed': null } },
  { flags: { '--backend': 'gpu' } },
  { flags: { '--threads': '9' } },
  { flags: { '--threads': '0' } },
  { flags: { '--threads': 'many' } },
  { flags: { '--threads': '1.5' } },
  { flags: { '--eval-engine': 'gpu' } },
  { flags: { '--frobnicate': '1' } },
  { command: 'reproduce', flags: { '--seed': null, '--seeds': '3-1' } },
  { command: 'reproduce', flags: { '--seed': null, '--seeds': '1,x' } },
];

/** The template with breaker `k` applied. */
function broken(k: number): Case {
  const c = template();
  const b = breakers[k];
  return {
    command: b.command ?? c.command,
    experiment: b.experiment ?? c.experiment,
    flags: { ...c.flags, ...b.flags },
  };
}

function argv(c: Case): string[] {
  const flags = Object.entries(c.flags).flatMap(([k, v]) => (v === null ? [] : [k, v]));
  return ['node', 'pixsim', c.command, c.experiment, ...flags];
}

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('the pixsim CLI on generated bad command lines', () => {
  it('each ends with one typed line (pixsim: CODE: message naming the fix) and exit status 2, before any work', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: breakers.length - 1 }), async (k) => {
        const c = broken(k);
        const lines: string[] = [];
        vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
          lines.push(String(chunk));
          return true;
        });
        vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
        process.exitCode = undefined;
        try {
          await main(argv(c));
        } finally {
          vi.restoreAllMocks();
        }
        const text = lines.join('');
        const typed = /^pixsim: ([A-Z_]+): (.+)$/m.exec(text);
        expect(typed, `${argv(c).slice(2).join(' ')} → ${text}`).not.toBeNull();
        expect(typed?.[2].length).toBeGreaterThan(30);
        expect(process.exitCode).toBe(2);
        // Nothing ran: no engine line, no results folder.
        expect(text).not.toMatch(/^engine: /m);
      }),
      { numRuns: 60, seed: 15 },
    );
  }, 120_000);

  it('--help still ends normally, without an error line', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    await main(['node', 'pixsim', '--help']);
    vi.restoreAllMocks();
    expect(lines.join('')).toMatch(/Usage: pixsim/);
    expect(process.exitCode).toBeUndefined();
  });

  it('--version and -V print the version of @pixsim/experiments and end normally', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const lines: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
      await main(['node', 'pixsim', flag]);
      vi.restoreAllMocks();
      expect(lines.join('')).toBe(`${version}\n`);
      expect(process.exitCode).toBeUndefined();
    }
  });

  it('no command at all is a typed usage error too', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    await main(['node', 'pixsim']);
    vi.restoreAllMocks();
    expect(lines.join('')).toMatch(/^pixsim: INVALID_OPTION: no command given\. Run 'pixsim help'/m);
    expect(process.exitCode).toBe(2);
  });
});
