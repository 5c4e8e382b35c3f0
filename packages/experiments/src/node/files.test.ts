import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createExclusive, writeJson, writeText } from './files';

const dir = mkdtempSync(join(tmpdir(), 'pixsim-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files', () => {
  it('writeText replaces a file whole and leaves no temporary file behind', () => {
    const file = join(dir, 'a', 'summary.json');
    writeJson(file, { n: 1 });
    writeText(file, 'second\n');
    expect(readFileSync(file, 'utf8')).toBe('second\n');
    expect(readdirSync(join(dir, 'a'))).toEqual(['summary.json']);
  });

  it('writeText removes its temporary file when the rename fails', () => {
    const target = join(dir, 'b');
    writeText(join(target, 'x'), 'x');
    expect(() => writeText(target, 'a folder cannot be replaced by a file')).toThrow();
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('createExclusive creates a file once', () => {
    const file = join(dir, 'c', 'cell.lock');
    expect(createExclusive(file, 'first')).toBe(true);
    expect(createExclusive(file, 'second')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first');
  });
});
