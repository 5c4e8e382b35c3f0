import { describe, expect, it } from 'vitest';
import { fetchProgress } from './fetch-progress';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (s: string) => chunks.push(s) };
}

describe('fetchProgress', () => {
  it('in a log: one whole line per tenth of the file, 100% included', () => {
    const s = sink(false);
    const p = fetchProgress(s);
    for (let b = 0; b <= 1_000_000; b += 50_000) p.onProgress('f.gz', b, 1_000_000);
    p.done();
    expect(s.chunks).toHaveLength(11);
    expect(s.chunks[0]).toBe('f.gz: 0% (0.0 MB of 1.0 MB)\n');
    expect(s.chunks.at(-1)).toBe('f.gz: 100% (1.0 MB of 1.0 MB)\n');
  });

  it('without a size (or while another process downloads): a line per 10 MB', () => {
    const s = sink(false);
    const p = fetchProgress(s);
    for (let b = 0; b <= 25e6; b += 1e6) p.onProgress('f.gz', b, null);
    expect(s.chunks).toEqual(['f.gz: 0.0 MB so far\n', 'f.gz: 10.0 MB so far\n', 'f.gz: 20.0 MB so far\n']);
  });

  it('on a terminal: one line redrawn in place, the last state always drawn, ended by done()', () => {
    const s = sink(true);
    const p = fetchProgress(s);
    for (let b = 0; b <= 1000; b += 100) p.onProgress('f.gz', b, 1000);
    p.done();
    expect(s.chunks[0]).toBe('\rf.gz: 0% (0.0 MB of 0.0 MB)\u001b[K');
    expect(s.chunks.at(-2)).toBe('\rf.gz: 100% (0.0 MB of 0.0 MB)\u001b[K');
    expect(s.chunks.at(-1)).toBe('\n');
    expect(s.chunks.every((c) => c === '\n' || c.startsWith('\r'))).toBe(true);
  });
});
