import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifar10 } from './cifar';
import { download } from './download';
import {
  DatasetError,
  DownloadTimeoutError,
  ChecksumMismatchError,
  DownloadFailedError,
  DownloadInterruptedError,
  OfflineError,
  UnknownDatasetError,
} from './errors';
import { mnist } from './mnist';
import type { DatasetSource } from './sources';
import { cifarBytes, idxBytes, tarGz } from './test-fixtures';

// A local HTTP server on 127.0.0.1 only: /files/ serves fixtures (with Range support), /drop/ cuts the
// connection half-way through the first `dropCount` responses, /corrupt/ serves damaged bytes.
const fixtures = new Map<string, Buffer>();
const requests: { url: string; range: string | undefined }[] = [];
let dropCount = 0;
let server: http.Server;
let base = '';
let cacheRoot = '';

function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  requests.push({ url: req.url ?? '', range: req.headers.range });
  const [, mode, name] = (req.url ?? '').split('/');
  let body = fixtures.get(name);
  if (!body) {
    res.writeHead(404).end('not found');
    return;
  }
  if (mode === 'corrupt') {
    body = Buffer.from(body);
    body[body.length >> 1] ^= 0xff;
  }
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range) start = Number(range[1]);
  if (start >= body.length && range) {
    res.writeHead(416).end();
    return;
  }
  const chunk = body.subarray(start);
  const headers: http.OutgoingHttpHeaders = {
    'Content-Length': chunk.length,
    'Content-Type': 'application/octet-stream',
  };
  if (range) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  res.writeHead(range ? 206 : 200, headers);
  if (mode === 'stall') {
    res.write(chunk.subarray(0, 1000));
    return; // never ends: the idle timeout must fire
  }
  if (mode === 'trickle') {
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= chunk.length) return clearInterval(timer);
      res.write(chunk.subarray(at, at + 20));
      at += 20;
    }, 20);
    return;
  }
  if (mode === 'drop' && dropCount > 0) {
    dropCount--;
    res.write(chunk.subarray(0, chunk.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(chunk);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

let archive: Buffer;
function cifarSource(name: string, mode: string): DatasetSource {
  return {
    name,
    homepage: 'http://127.0.0.1/',
    files: [
      {
        filename: 'cifar-10-binary.tar.gz',
        url: `${base}/${mode}/cifar-10-binary.tar.gz`,
        sha256: sha256(archive),
      },
    ],
  };
}

beforeAll(async () => {
  const pixel = (r: number, y: number, x: number, ch: number) => (r + y + x + ch) % 256;
  // ~300 kB gzip-incompressible enough to span several TCP chunks: random-looking pixels.
  const noisy = (r: number, y: number, x: number, ch: number) =>
    (Math.imul(r * 3072 + y * 96 + x * 3 + ch, 2654435761) >>> 24) & 255;
  archive = tarGz([
    {
      path: 'cifar-10-batches-bin/data_batch_1.bin',
      data: cifarBytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], noisy),
    },
    { path: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes([3, 3], pixel) },
  ]);
  fixtures.set('cifar-10-binary.tar.gz', archive);
  const images = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => i % 256);
  fixtures.set('train-images-idx3-ubyte.gz', gzipSync(idxBytes([3, 28, 28], images)));
  fixtures.set('train-labels-idx1-ubyte.gz', gzipSync(idxBytes([3], Uint8Array.from([5, 0, 4]))));
  fixtures.set('t10k-images-idx3-ubyte.gz', gzipSync(idxBytes([1, 28, 28], images.subarray(0, 784))));
  fixtures.set('t10k-labels-idx1-ubyte.gz', gzipSync(idxBytes([1], Uint8Array.from([7]))));
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cacheRoot = await mkdtemp(join(tmpdir(), 'pixsim-download-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(cacheRoot, { recursive: true, force: true });
});

describe('download', () => {
  it('downloads, verifies SHA-256, and the result loads; a second call uses the cache', async () => {
    const cacheDir = join(cacheRoot, 'ok');
    requests.length = 0;
    const result = await download(cifarSource('cifar10', 'files'), { cacheDir });
    expect(result.dir).toBe(join(cacheDir, 'cifar10'));
    expect(await readFile(result.files['cifar-10-binary.tar.gz'])).toEqual(archive);
    expect(await readdir(result.dir)).toEqual(['cifar-10-binary.tar.gz']);
    const { train, test } = await cifar10(result.dir);
    expect(train.size).toBe(10);
    expect(test.size).toBe(2);
    await download(cifarSource('cifar10', 'files'), { cacheDir });
    expect(requests).toHaveLength(1);
  });

  it('verifies MD5 where only that is published, through a mirror, and mnist({ dir }) reads the .gz files', async () => {
    const cacheDir = join(cacheRoot, 'md5');
    const names = [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ];
    const source: DatasetSource = {
      name: 'my-mnist',
      homepage: 'http://127.0.0.1/',
      files: names.map((filename) => ({
        filename,
        url: `https://example.invalid/${filename}`,
        md5: md5(fixtures.get(filename)!),
      })),
    };
    const result = await download(source, { cacheDir, mirror: `${base}/files/` });
    const { train, test } = await mnist({ dir: result.dir });
    expect(Array.from(train.labels)).toEqual([5, 0, 4]);
    expect(test.size).toBe(1);
  });

  it('resumes after a dropped connection with an HTTP Range request', async () => {
    const cacheDir = join(cacheRoot, 'drop');
    const dest = join(cacheDir, 'cifar10', 'cifar-10-binary.tar.gz');
    dropCount = 1;
    requests.length = 0;
    const failed = download(cifarSource('cifar10', 'drop'), { cacheDir, retries: 0 });
    await expect(failed).rejects.toThrow(DownloadInterruptedError);
    await expect(failed).rejects.toThrow(
      /bytes are kept in .*cifar-10-binary.tar.gz.part; call download\(\) again to resume/,
    );
    expect(await exists(dest)).toBe(false);
    const kept = (await stat(`${dest}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(archive.length);
    await download(cifarSource('cifar10', 'drop'), { cacheDir, retries: 0 });
    expect(requests.map((r) => r.range)).toEqual([undefined, `bytes=${kept}-`]);
    expect(await readFile(dest)).toEqual(archive);
    expect(await exists(`${dest}.part`)).toBe(false);
  });

  it('retries a dropped connection by itself, resuming', async () => {
    const cacheDir = join(cacheRoot, 'retry');
    dropCount = 2;
    requests.length = 0;
    const result = await download(cifarSource('cifar10', 'drop'), { cacheDir });
    expect(requests).toHaveLength(3);
    expect(requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(requests[2].range).toMatch(/^bytes=\d+-$/);
    expect(await readFile(result.files['cifar-10-binary.tar.gz'])).toEqual(archive);
  });

  it('rejects a corrupted file and leaves nothing in the cache', async () => {
    const cacheDir = join(cacheRoot, 'corrupt');
    const failed = download(cifarSource('cifar10', 'corrupt'), { cacheDir });
    await expect(failed).rejects.toThrow(ChecksumMismatchError);
    await expect(failed).rejects.toThrow(/has sha256 [0-9a-f]{64}, but the published sha256 is [0-9a-f]{64}/);
    expect(await readdir(join(cacheDir, 'cifar10'))).toEqual([]);
  });

  it('checks the official MD5 of named data sets (mnist from a mirror serving other bytes)', async () => {
    const cacheDir = join(cacheRoot, 'official');
    const failed = download('mnist', { cacheDir, mirror: `${base}/files/` });
    await expect(failed).rejects.toThrow(ChecksumMismatchError);
    await expect(failed).rejects.toThrow(/published md5 is f68b3c2dcbeaaa9fbdd348bbdeb94873/);
  });

  it('offline mode says where to put the files, and uses files already there', async () => {
    const cacheDir = join(cacheRoot, 'offline');
    const failed = download('cifar100', { cacheDir, offline: true });
    await expect(failed).rejects.toThrow(OfflineError);
    await expect(failed).rejects.toThrow(
      new RegExp(
        `Download https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz \\(md5 03b5dce01913d631647c71ecec9e9cb8\\) yourself and put it at ${join(cacheDir, 'cifar100', 'cifar-100-binary.tar.gz').replace(/[.]/g, '\\.')}`,
      ),
    );
    await download(cifarSource('cifar10', 'files'), { cacheDir });
    requests.length = 0;
    const result = await download(cifarSource('cifar10', 'files'), { cacheDir, offline: true });
    expect(requests).toHaveLength(0);
    expect(result.dir).toBe(join(cacheDir, 'cifar10'));
  });

  it('rejects unknown names and HTTP errors', async () => {
    await expect(download('imagenet', { cacheDir: cacheRoot })).rejects.toThrow(UnknownDatasetError);
    await expect(download('imagenet', { cacheDir: cacheRoot })).rejects.toThrow(
      /Unknown dataset name "imagenet". Known names: mnist, fashion-mnist, cifar10, cifar100/,
    );
    const missing: DatasetSource = {
      name: 'missing',
      homepage: '',
      files: [{ filename: 'nothing.bin', url: `${base}/files/nothing.bin`, sha256: '0'.repeat(64) }],
    };
    await expect(download(missing, { cacheDir: cacheRoot })).rejects.toThrow(DownloadFailedError);
    await expect(download(missing, { cacheDir: cacheRoot })).rejects.toThrow(/answered HTTP 404/);
  });

  it('validates retries, timeoutMs, deadlineMs and URLs before any request', async () => {
    const cacheDir = join(cacheRoot, 'options');
    const n = requests.length;
    for (const bad of [
      { retries: -1 },
      { retries: 1.5 },
      { timeoutMs: 0 },
      { timeoutMs: Number.NaN },
      { deadlineMs: -5 },
      { mirror: 'not a url' },
      { mirror: 'ftp://x/' },
    ]) {
      const error = await download(cifarSource('opt', 'ok'), { cacheDir, ...bad } as never).catch(
        (e: unknown) => e,
      );
      expect(DatasetError.is(error), JSON.stringify(bad)).toBe(true);
      expect((error as DatasetError).code).toBe('INVALID_OPTION');
    }
    const badUrl = {
      name: 'badurl',
      homepage: '',
      files: [{ filename: 'f', url: 'htp:/nope', sha256: 'a'.repeat(64) }],
    };
    await expect(download(badUrl, { cacheDir })).rejects.toThrow(/http:\/\/ or https:\/\/ URL/);
    expect(requests.length).toBe(n);
  });

  it('reports an idle server as a timeout, not an interruption', async () => {
    const cacheDir = join(cacheRoot, 'stall');
    const error = await download(cifarSource('stall', 'stall'), {
      cacheDir,
      retries: 1,
      timeoutMs: 150,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect((error as DownloadTimeoutError).kind).toBe('idle');
    expect((error as Error).message).toMatch(/timed out: no data for 150 ms.*2 attempt/);
  });

  it('stops a trickling server at the overall deadline', async () => {
    const cacheDir = join(cacheRoot, 'trickle');
    const started = Date.now();
    const error = await download(cifarSource('trickle', 'trickle'), {
      cacheDir,
      timeoutMs: 5_000,
      deadlineMs: 400,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect((error as DownloadTimeoutError).kind).toBe('deadline');
    expect((error as Error).message).toMatch(/deadlineMs/);
  });
});
