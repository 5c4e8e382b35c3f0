import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download } from './download';
import { DownloadTimeoutError } from './errors';
import type { DatasetSource } from './sources';
import { cifarBytes, tarGz } from './test-fixtures';
import { startTestServer, type TestServer } from './test-server';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const FILE = 'cifar-10-binary.tar.gz';
let server: TestServer;
let archive: Buffer;
let root = '';

function source(mode: string): DatasetSource {
  const sha256 = createHash('sha256').update(archive).digest('hex');
  return {
    name: 'cifar10',
    homepage: 'http://127.0.0.1/',
    files: [{ filename: FILE, url: `${server.base}/${mode}/${FILE}`, sha256 }],
  };
}

/** Resolves once `check()` holds, polling; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  const noisy = (r: number, y: number, x: number, ch: number) =>
    (Math.imul(r * 3072 + y * 96 + x * 3 + ch, 2654435761) >>> 24) & 255;
  archive = tarGz([{ path: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes([1, 2, 3, 4], noisy) }]);
  server = await startTestServer();
  server.fixtures.set(FILE, archive);
  root = await mkdtemp(join(tmpdir(), 'pixsim-contention-'));
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.closeGate();
});

describe('two downloads of the same file at once', () => {
  it('in one process: the second waits for the first and both end with the verified file, fetched once', async () => {
    const cacheDir = join(root, 'one-process');
    let waited = 0;
    const first = download(source('gate'), { cacheDir });
    await until(() => server.requests.length === 1, 10_000, 'the first request');
    const second = download(source('gate'), {
      cacheDir,
      onProgress: (_file, _bytes, total) => {
        if (total === null) waited++;
      },
    });
    // The second is waiting on the lock (it reports the .part size with no total) before the first ends.
    await until(() => waited > 0, 10_000, 'the second download to wait');
    server.openGate();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(b);
    expect(await readFile(a.files[FILE])).toEqual(archive);
    expect(server.requests).toHaveLength(1);
    expect(await readdir(a.dir)).toEqual([FILE]);
  });

  it('in two processes: both exit with the verified file, fetched once', async () => {
    const cacheDir = join(root, 'two-processes');
    const arg = JSON.stringify({ source: source('gate'), cacheDir });
    const children = [0, 1].map(() => {
      const child = spawn(tsx, ['src/__fixtures__/download-child.ts', arg], { cwd: packageDir });
      const run = { out: '', code: null as number | null };
      child.stdout.on('data', (d: Buffer) => {
        run.out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        run.out += d.toString();
      });
      const exited = new Promise<void>((resolve) =>
        child.on('close', (code) => {
          run.code = code;
          resolve();
        }),
      );
      return { run, exited };
    });
    // One downloads (held at the gate), the other waits on the lock; without a lock both would download.
    await until(
      () => server.requests.length >= 1 && children.some((c) => c.run.out.includes('waiting')),
      60_000,
      'one child downloading and the other waiting',
    ).catch(() => undefined);
    server.openGate();
    await Promise.all(children.map((c) => c.exited));
    for (const { run } of children) {
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(/^done /m);
    }
    expect(server.requests).toHaveLength(1);
    const dest = join(cacheDir, 'cifar10', FILE);
    expect(await readFile(dest)).toEqual(archive);
    expect(await readdir(join(cacheDir, 'cifar10'))).toEqual([FILE]);
  }, 120_000);

  it('takes over the lock of a process that died, resuming its .part file', async () => {
    const dir = join(root, 'stale', 'cifar10');
    await mkdir(join(dir, `${FILE}.lock`), { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, `${FILE}.lock`), hourAgo, hourAgo);
    const kept = archive.length >> 1;
    await writeFile(join(dir, `${FILE}.part`), archive.subarray(0, kept));
    server.openGate();
    const result = await download(source('files'), { cacheDir: join(root, 'stale') });
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${kept}-`]);
    expect(await readFile(result.files[FILE])).toEqual(archive);
    expect(await readdir(dir)).toEqual([FILE]);
  });

  it('waits for a live lock only until the deadline, then says another process holds it', async () => {
    const dir = join(root, 'live', 'cifar10');
    await mkdir(join(dir, `${FILE}.lock`), { recursive: true });
    const error = await download(source('files'), { cacheDir: join(root, 'live'), deadlineMs: 400 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect((error as DownloadTimeoutError).kind).toBe('deadline');
    expect((error as Error).message).toMatch(
      /another process downloading .*cifar-10-binary\.tar\.gz \(lock /,
    );
    expect(server.requests).toHaveLength(0);
  });
});
